import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStoredEvent, type StoredEventRow } from '../../src/events/index.js';

const row = (over: Partial<StoredEventRow>): StoredEventRow => ({
  sequence: 7,
  eventId: 'E',
  type: 'RunStarted',
  version: 1,
  at: '2026-01-01T00:00:00.000Z',
  workspace: 'default',
  idempotencyKey: 'run_started:run_x',
  correlationId: 'run_x',
  causationId: null,
  payload: JSON.stringify({ runId: 'run_x' }),
  ...over,
});

describe('reading events back', () => {
  test('a valid stored event parses to its typed form', () => {
    const event = parseStoredEvent(row({}));
    assert.equal(event.type, 'RunStarted');
    assert.equal(event.sequence, 7);
  });

  const corrupt: [title: string, over: Partial<StoredEventRow>, message: RegExp][] = [
    ['an event of an unknown type is CORRUPT_EVENT naming the sequence number, never skipped', { type: 'Mystery' }, /unknown event type/],
    ['an event of an unknown version is CORRUPT_EVENT naming the sequence number, never skipped', { version: 2 }, /unknown version/],
    ['an event whose payload is not JSON is CORRUPT_EVENT naming the sequence number, never skipped', { payload: '{oops' }, /not JSON/],
    ['an event whose payload fails its schema is CORRUPT_EVENT naming the sequence number, never skipped', { payload: JSON.stringify({ runId: 5 }) }, /runId/],
  ];
  for (const [title, over, message] of corrupt) {
    test(title, () => {
      assert.throws(() => parseStoredEvent(row(over)), (e: { code: string; details: { sequence: number }; message: string }) => {
        assert.equal(e.code, 'CORRUPT_EVENT');
        assert.equal(e.details.sequence, 7);
        assert.match(e.message, /#7/);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});
