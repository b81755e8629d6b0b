/**
 * `arco debug export` and `arco debug import` (OPX-41, Dagster's `dagster debug export/import`): a
 * run's events go to a file and from it into another store, where the run reads as it was; a second
 * import appends nothing, and a damaged file is refused whole.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async (ctx) => { ctx.log.info('raw read 3 rows'); return { metadata: { rows: 3 } }; } });
const clean = defineAsset({ key: 'clean', deps: [raw], compute: async () => {} });
export default defineDefinitions({ assets: [raw, clean] });
`;

type RunJson = { runId: string; status: string; tasks: { key: string; status: string }[] };

describe('arco debug export and import', () => {
  const source = tempProject(SOURCE);
  const target = tempProject(SOURCE);
  after(() => {
    source.remove();
    target.remove();
  });

  test("a run exported from one store and imported into another reads there as it was, logs included; a second import appends nothing", () => {
    const run = arcoJson<RunJson>(['run', '--project', source.dir, '--select', '*', '--wait']);
    assert.equal(run.body.status, 'SUCCESS');
    const file = join(source.dir, 'run.ndjson');
    const exported = arcoJson<{ events: number }>(['debug', 'export', run.body.runId, file, '--project', source.dir]);
    assert.equal(exported.status, 0, exported.stderr);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, exported.body.events + 1, 'a header and the events');
    assert.match(lines[0] ?? '', /"format":"arco-run-export"/);

    const imported = arcoJson<{ appended: number; duplicates: number }>(['debug', 'import', file, '--project', target.dir]);
    assert.equal(imported.status, 0, imported.stderr);
    assert.deepEqual([imported.body.appended, imported.body.duplicates], [exported.body.events, 0]);
    const there = arcoJson<RunJson>(['status', run.body.runId, '--project', target.dir]);
    assert.equal(there.status, 0, there.stderr);
    assert.equal(there.body.status, 'SUCCESS');
    assert.deepEqual(there.body.tasks.map((t) => [t.key, t.status]), [['raw', 'SUCCEEDED'], ['clean', 'SUCCEEDED']]);
    assert.match(arco(['logs', run.body.runId, '--project', target.dir]).stdout, /raw read 3 rows/);

    const again = arco(['debug', 'import', file, '--project', target.dir]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /is already here: nothing appended/);
  });

  test('a file with an event that does not parse is refused whole, naming its line, and the store is unchanged', () => {
    const run = arcoJson<RunJson>(['run', '--project', source.dir, '--select', 'raw', '--wait']);
    const file = join(source.dir, 'damaged.ndjson');
    assert.equal(arco(['debug', 'export', run.body.runId, file, '--project', source.dir]).status, 0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    lines[3] = (lines[3] ?? '').replace(/"type":"[A-Za-z]+"/, '"type":"NoSuchEvent"');
    writeFileSync(file, lines.join('\n') + '\n');
    const refused = arco(['debug', 'import', file, '--project', target.dir]);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /damaged\.ndjson:4: .*unknown event type "NoSuchEvent"/);
    assert.equal(arco(['status', run.body.runId, '--project', target.dir]).status !== 0, true, 'no event of the file was appended');
  });
});
