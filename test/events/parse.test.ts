import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { draft, parseStoredEvent, stampEvents, type ArcoEvent, type StoredEventRow } from '../../src/events/index.js';
import { isArcoError } from '../../src/domain/errors/index.js';

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

describe('stamping events for the ledger', () => {
  const finished = (durationMs: number) =>
    draft(
      'TaskAttemptFinished',
      {
        runId: 'run_1', taskKey: 'a', assetKey: 'a', partitionKey: null, attempt: 1, attemptId: 'att_1',
        outcome: 'CANCELED', error: null, durationMs, resolution: 'CANCELED', retryAt: null, infrastructureRetry: false, partitionWindow: null,
      },
      'finished:run_1:a:1',
      'run_1',
    );
  const ctx = { ulid: () => '01J00000000000000000000000', nowEpochMs: Date.parse('2026-01-01T00:00:00Z') };

  test('an event whose payload would not read back is refused before it reaches the ledger, naming the field', () => {
    assert.throws(
      () => stampEvents([finished(-3)], ctx),
      (e: unknown) => isArcoError(e) && e.code === 'INTERNAL_ERROR' && e.details?.field === 'durationMs' && e.details?.type === 'TaskAttemptFinished',
    );
  });

  test('a stamped event reads back as stamped: the payload passes its schema, with defaults filled', () => {
    const [event] = stampEvents([finished(5)], ctx);
    assert.equal(event?.type, 'TaskAttemptFinished');
    const row: StoredEventRow = { sequence: 1, ...(event as ArcoEvent), payload: JSON.stringify(event?.payload) };
    assert.deepEqual(parseStoredEvent(row).payload, event?.payload);
  });
});
