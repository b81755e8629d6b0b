/**
 * Run retries and max runtime through the `arco` command, as a user sees them: `arco run --wait`
 * executes the run in its own process (no `arco dev`), and `arco status` shows why a run ended.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const slow = defineAsset({ key: 'slow', compute: (ctx) => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, 600_000);
  ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(new Error('aborted')); });
}) });
export default defineDefinitions({ assets: [slow] });
`;

interface RunJson {
  readonly runId: string;
  readonly status: string;
  readonly cancelReason: string | null;
}

describe('max runtime from the command line', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());

  test('arco run --tag arco/max_runtime=1 --wait ends CANCELED, and arco status shows "reason: max runtime 1 s exceeded"', () => {
    const run = arcoJson<RunJson>(['run', '--project', project.dir, '--select', 'slow', '--tag', 'arco/max_runtime=1', '--wait']);
    assert.equal(run.status, 1);
    assert.equal(run.body.status, 'CANCELED');
    assert.equal(run.body.cancelReason, 'max runtime 1 s exceeded');
    const shown = arco(['status', run.body.runId, '--project', project.dir]);
    assert.equal(shown.status, 0, shown.stderr);
    assert.match(shown.stdout, /reason: max runtime 1 s exceeded/);
  });

  test('arco run with an arco/max_retries tag that is not a number is refused with INVALID_RUN_TAG, and no run is requested', () => {
    const before = arcoJson<{ runs: unknown[] }>(['runs', '--project', project.dir]).body.runs.length;
    const refused = arco(['run', '--project', project.dir, '--select', 'slow', '--tag', 'arco/max_retries=many']);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr + refused.stdout, /INVALID_RUN_TAG/);
    assert.match(refused.stderr + refused.stdout, /arco\/max_retries/);
    assert.equal(arcoJson<{ runs: unknown[] }>(['runs', '--project', project.dir]).body.runs.length, before);
  });
});
