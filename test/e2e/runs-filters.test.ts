/**
 * `arco runs` filters as an operator types them (OPX-16): repeated --tag, --asset, --since/--until
 * (a time or "12h" ago) and --trigger, on the project's store, with --json for scripts.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const project = tempProject(`import { defineAsset, defineDefinitions } from 'arco-flow';
const orders = defineAsset({ key: 'orders', compute: async () => {} });
const users = defineAsset({ key: 'users', compute: async () => {} });
export default defineDefinitions({ assets: [orders, users] });
`);
after(() => project.remove());

const request = (asset: string, ...tags: string[]): string => {
  const run = arcoJson<{ runId: string }>(['run', '--project', project.dir, '--select', asset, ...tags.flatMap((t) => ['--tag', t]), '--json']);
  assert.equal(run.status, 0, run.stderr);
  return run.body.runId;
};
const runs = (...args: string[]): string[] => {
  const listed = arcoJson<{ runs: { runId: string }[] }>(['runs', '--project', project.dir, '--json', ...args]);
  assert.equal(listed.status, 0, listed.stderr);
  return listed.body.runs.map((r) => r.runId);
};

test('arco runs narrows by every --tag, --asset, --since/--until and --trigger given', () => {
  const a = request('orders', 'team=data');
  const b = request('users', 'team=data', 'env=prod');
  const c = request('orders');
  assert.deepEqual(runs('--tag', 'team=data', '--tag', 'env=prod'), [b]);
  assert.deepEqual(runs('--asset', 'orders'), [c, a]);
  assert.deepEqual(runs('--asset', 'orders', '--tag', 'team=data', '--since', '1h', '--trigger', 'manual'), [a]);
  assert.deepEqual(runs('--until', '1h'), []);
  assert.deepEqual(runs('--trigger', 'schedule'), []);
  const refused = arco(['runs', '--project', project.dir, '--since', 'last week']);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr + refused.stdout, /since/);
});
