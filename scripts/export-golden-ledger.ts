/**
 * Writes a store's ledger as a golden fixture: one event per line (NDJSON) and a sidecar with the
 * projection hash the fold must reproduce. Re-record only on purpose: a golden ledger that no
 * longer replays to its hash means stored formats or the fold changed.
 *
 *   node --import ./src/runtime/loader/register.mjs scripts/export-golden-ledger.ts DB NAME
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore } from '../src/store/index.js';

const [dbPath, name] = process.argv.slice(2);
if (!dbPath || !name) throw new Error('usage: export-golden-ledger.ts DB NAME');
const store = openSqliteStore({ path: dbPath });
const lines: string[] = [];
for (let after = 0; ; ) {
  const page = await store.ledger.readEvents({ afterSequence: after, limit: 1000 });
  if (page.length === 0) break;
  for (const event of page) lines.push(JSON.stringify(event));
  after = page[page.length - 1]!.sequence;
}
const dir = join('test', 'fixtures', 'golden');
writeFileSync(join(dir, `${name}.ndjson`), `${lines.join('\n')}\n`);
writeFileSync(join(dir, `${name}.json`), `${JSON.stringify({ events: lines.length, projectionHash: await store.admin.projectionHash() }, null, 2)}\n`);
await store.close();
process.stdout.write(`${lines.length} events -> ${dir}/${name}.ndjson\n`);
