/**
 * `arco asset stale` and `arco run --stale-only` as an operator uses them: the real command on a
 * project, materializing through it, then changing an upstream's data version with run config.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw', codeVersion: '1', compute: (ctx) => ({ dataVersion: String((ctx.config as { v?: string } | null)?.v ?? 'one') }) });
const clean = defineAsset({ key: 'clean', deps: [raw], codeVersion: '1', compute: async () => {} });
const report = defineAsset({ key: 'report', deps: [clean], codeVersion: '1', compute: async () => {} });
export default defineDefinitions({ assets: [raw, clean, report] });
`;

interface StaleJson {
  assetKey: string;
  status: string;
  causes: { category: string; reason: string; dependency: { assetKey: string } | null }[];
  staleSince: string | null;
}

describe('arco asset stale and arco run --stale-only', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());
  const env = { ARCO_FROM_SOURCE: '1' };
  const stale = () => arcoJson<StaleJson[]>(['asset', 'stale', '--project', project.dir], { env });

  test('never-materialized assets are MISSING, and a stale-only run materializes them all', () => {
    assert.deepEqual(stale().body.map((a) => [a.assetKey, a.status]), [['clean', 'MISSING'], ['raw', 'MISSING'], ['report', 'MISSING']]);
    const run = arcoJson<{ status: string; assetKeys: string[] }>(['run', '--project', project.dir, '--select', '*', '--stale-only', '--wait'], { env });
    assert.equal(run.body.status, 'SUCCESS', run.stderr);
    assert.deepEqual(stale().body.map((a) => a.status), ['FRESH', 'FRESH', 'FRESH']);
  });

  test('a new upstream data version shows the downstream STALE with its cause and upstream in the table', () => {
    assert.equal(arcoJson<{ status: string }>(['run', '--project', project.dir, '--select', 'raw', '--config', '{"v":"two"}', '--wait'], { env }).body.status, 'SUCCESS');
    const clean = stale().body.find((a) => a.assetKey === 'clean');
    assert.equal(clean?.status, 'STALE');
    assert.deepEqual(clean?.causes.map((c) => [c.category, c.reason, c.dependency?.assetKey]), [['DATA', 'has a new dependency data version', 'raw']]);
    const table = arco(['asset', 'stale', '--project', project.dir, '--select', 'clean'], { env });
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /clean.*STALE.*has a new dependency data version \(raw\)/);
  });

  test('a stale-only run materializes only the stale assets; with nothing stale it requests no run and says so', () => {
    const run = arcoJson<{ status: string; assetKeys: string[] }>(['run', '--project', project.dir, '--select', '*', '--stale-only', '--wait'], { env });
    assert.deepEqual(run.body.assetKeys, ['clean']);
    const again = arcoJson<{ status: string; assetKeys: string[] }>(['run', '--project', project.dir, '--select', '*', '--stale-only', '--wait'], { env });
    assert.deepEqual(again.body.assetKeys, ['report']);
    const nothing = arco(['run', '--project', project.dir, '--select', '*', '--stale-only'], { env });
    assert.equal(nothing.status, 0, nothing.stderr);
    assert.match(nothing.stdout, /nothing is stale or missing in the selection: no run was requested/);
  });

  test('an unknown asset in --select is UNKNOWN_ASSET naming the nearest key', () => {
    const result = arcoJson<{ error: { code: string; details: { suggestions?: string[] } } }>(['asset', 'stale', '--project', project.dir, '--select', 'clen'], { env });
    assert.notEqual(result.status, 0);
    assert.equal(result.body.error.code, 'UNKNOWN_ASSET');
    assert.deepEqual(result.body.error.details.suggestions, ['clean']);
  });
});
