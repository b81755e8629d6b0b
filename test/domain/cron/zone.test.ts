import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  instantsOfWall,
  isSecondOccurrence,
  offsetAt,
  segmentAt,
  validateTimezone,
  zoneOf,
} from '../../../src/domain/cron/zone.js';
import { isArcoError } from '../../../src/domain/errors/index.js';

const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

describe('validateTimezone', () => {
  for (const name of ['UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Etc/GMT+5', 'America/Argentina/Buenos_Aires']) {
    test(`accepts ${name} and returns it unchanged`, () => {
      assert.equal(validateTimezone(name), name);
    });
  }
  for (const name of ['+05:30', 'Not/AZone', '', 'America/Los Angeles', 'UTC+1']) {
    test(`rejects ${JSON.stringify(name)} with INVALID_TIMEZONE naming it`, () => {
      assert.throws(
        () => validateTimezone(name),
        (error: unknown) => isArcoError(error) && error.code === 'INVALID_TIMEZONE' && error.details?.timezone === name,
      );
    });
  }
});

describe('zone offsets and transitions', () => {
  test('finds short daylight-time suspensions (Morocco, Ramadan 2020)', () => {
    const zone = zoneOf('Africa/Casablanca');
    assert.equal(offsetAt(zone, at('2020-04-10T12:00:00Z')), HOUR);
    assert.equal(offsetAt(zone, at('2020-05-01T12:00:00Z')), 0);
    assert.equal(offsetAt(zone, at('2020-06-10T12:00:00Z')), HOUR);
  });

  test('a segment starts at the exact transition and knows the offsets on both sides', () => {
    const segment = segmentAt(zoneOf('America/Los_Angeles'), at('2026-03-08T12:00:00Z'));
    assert.equal(segment.startMs, at('2026-03-08T10:00:00Z'));
    assert.equal(segment.offsetBeforeMs, -8 * HOUR);
    assert.equal(segment.offsetMs, -7 * HOUR);
    assert.equal(segment.endMs, at('2026-11-01T09:00:00Z'));
    assert.equal(segment.offsetAfterMs, -8 * HOUR);
  });

  test('a zone without transitions is cut at UTC year boundaries with the same offset on both sides', () => {
    const segment = segmentAt(zoneOf('Asia/Kolkata'), at('2026-06-01T00:00:00Z'));
    assert.equal(segment.startMs, at('2026-01-01T00:00:00Z'));
    assert.equal(segment.endMs, at('2027-01-01T00:00:00Z'));
    assert.deepEqual([segment.offsetBeforeMs, segment.offsetMs, segment.offsetAfterMs], [5.5 * HOUR, 5.5 * HOUR, 5.5 * HOUR]);
  });

  test('a wall time names two instants in the fall-back hour, none in the spring gap, one otherwise', () => {
    const zone = zoneOf('America/Los_Angeles');
    const wall = (iso: string): number => Date.parse(`${iso}Z`);
    assert.deepEqual(instantsOfWall(zone, wall('2026-11-01T01:30:00')), [at('2026-11-01T08:30:00Z'), at('2026-11-01T09:30:00Z')]);
    assert.deepEqual(instantsOfWall(zone, wall('2026-03-08T02:30:00')), []);
    assert.deepEqual(instantsOfWall(zone, wall('2026-03-08T03:30:00')), [at('2026-03-08T10:30:00Z')]);
  });

  test('only the second pass through a repeated hour is a second occurrence', () => {
    const zone = zoneOf('America/Los_Angeles');
    assert.equal(isSecondOccurrence(zone, at('2026-11-01T08:30:00Z')), false);
    assert.equal(isSecondOccurrence(zone, at('2026-11-01T09:30:00Z')), true);
    assert.equal(isSecondOccurrence(zone, at('2026-11-01T10:00:00Z')), false);
    assert.equal(isSecondOccurrence(zoneOf('UTC'), at('2026-11-01T09:30:00Z')), false);
  });
});
