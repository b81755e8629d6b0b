/**
 * Golden ledgers: recorded ledgers (test/fixtures/golden/*.ndjson) must replay into a fresh store
 * to the projection hash recorded beside them. Event type names and payload fields are storage
 * names; if this fails, a change broke reading old ledgers or changed the fold's output.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseStoredEvent, type ArcoEvent, type StoredEventRow } from '../../src/events/index.js';
import { openSqliteStore } from '../../src/store/index.js';

const DIR = new URL('../fixtures/golden/', import.meta.url);

/**
 * The title of each recorded ledger's test, saying what the ledger holds, so a test can be cited by
 * it. A ledger added to the folder without a title here still replays, under its file name.
 */
const TITLES: Readonly<Record<string, string>> = {
  'quickstart.ndjson': 'the quickstart ledger (manual and sensor runs, a cancel, a run-key conflict, two daily partitions) replays to its recorded projection hash',
};

describe('golden ledgers', () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ndjson'))) {
    test(TITLES[file] ?? `the ${file} ledger replays to its recorded projection hash`, async () => {
      const expected = JSON.parse(readFileSync(new URL(file.replace('.ndjson', '.json'), DIR), 'utf8')) as { events: number; projectionHash: string };
      const events = readFileSync(new URL(file, DIR), 'utf8')
        .trim()
        .split('\n')
        .map((line) => {
          const raw = JSON.parse(line) as StoredEventRow & { payload: unknown };
          // Through the same reader as stored events, so the fixture is held to the event schemas.
          const { sequence: _sequence, ...event } = parseStoredEvent({ ...raw, payload: JSON.stringify(raw.payload) });
          return event as ArcoEvent;
        });
      assert.equal(events.length, expected.events);
      const store = openSqliteStore({ path: ':memory:' });
      try {
        const result = await store.ledger.append(events);
        assert.deepEqual(result.duplicates, []);
        assert.equal(await store.admin.projectionHash(), expected.projectionHash);
      } finally {
        await store.close();
      }
    });
  }
});
