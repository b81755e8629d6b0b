/**
 * Preloaded into the daemons of the postgres-throughput benchmark (`--import`): counts the
 * statements each process sends to PostgreSQL, by their SQL text, and writes the counts to
 * `$ARCO_BENCH_PG_COUNT_DIR/<pid>.json` every 200 ms. The benchmark reads them before and after
 * the runs: statements per task is the figure that follows PostgreSQL's CPU here.
 */
import { createRequire } from 'node:module';
import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.ARCO_BENCH_PG_COUNT_DIR;
if (dir) {
  // The pg that arco itself loads: resolved from this repository, one instance per process.
  const pg = createRequire(import.meta.url)('pg');
  const counts = new Map();
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(config, ...rest) {
    const text = typeof config === 'string' ? config : (config?.text ?? '');
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 120);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return query.call(this, config, ...rest);
  };
  const file = join(dir, `${process.pid}.json`);
  const write = () => {
    writeFileSync(`${file}.tmp`, JSON.stringify([...counts]));
    renameSync(`${file}.tmp`, file);
  };
  setInterval(write, 200).unref();
}
