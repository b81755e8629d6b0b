/**
 * The ledger follower behind `arco dev`'s log: it logs what is appended after it starts, from any
 * writer of the store, and not the history before it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUlidFactory, seededRng } from '../../../src/domain/ids/index.js';
import { stampEvents } from '../../../src/events/index.js';
import { LedgerLog, createLogger } from '../../../src/runtime/observability/index.js';
import { openSqliteStore } from '../../../src/store/index.js';
import { T0, makeIds, requestedRun } from '../../helpers/runs.js';

describe('ledger log', () => {
  test('logs the runs requested after it started, from another store handle too, and none from before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arco-ledger-log-'));
    const writer = openSqliteStore({ path: join(dir, 'arco.db') });
    const reader = openSqliteStore({ path: join(dir, 'arco.db') });
    const ulid = createUlidFactory(seededRng(5));
    const append = (seed: number) => {
      const { run, drafts } = requestedRun({ dag: { a: [] }, ids: makeIds(seed) });
      return writer.ledger.append(stampEvents(drafts, { ulid, nowEpochMs: T0 })).then(() => run.runId);
    };
    try {
      const before = await append(1);
      const lines: string[] = [];
      const log = new LedgerLog(reader, createLogger({ format: 'json', destination: { write: (line: string) => lines.push(line) } }), { pollMs: 10 });
      await log.start();
      const after = await append(2);
      await log.stop();
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; runId?: string });
      assert.deepEqual(logged.map((e) => e.runId), [after]);
      assert.match(logged[0]?.msg ?? '', new RegExp(`^run ${after} QUEUED \\(1 task: a\\) by manual$`));
      assert.notEqual(before, after);
    } finally {
      await reader.close();
      await writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
