/**
 * `arco dev` reloads definitions when the project's files change: a new asset can be run at once,
 * changed code runs from the next attempt, and a broken edit keeps the last good definitions
 * running and says where the error is.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arcoAsync, startDev, stopProcess } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const version = (assets: string) => `import { defineAsset, defineDefinitions } from 'arco-flow';
import { label } from './label.ts';
${assets}
`;
const ONE = version(`const a = defineAsset({ key: 'a', compute: async () => ({ metadata: { label } }) });
export default defineDefinitions({ assets: [a] });`);
const TWO = version(`const a = defineAsset({ key: 'a', compute: async () => ({ metadata: { label } }) });
const b = defineAsset({ key: 'b', deps: [a], compute: async () => ({ metadata: { label } }) });
export default defineDefinitions({ assets: [a, b] });`);

type Run = { status: string; tasks: { key: string; materialization: { metadata: Record<string, string> } | null }[] };

async function until(output: () => string, pattern: RegExp, from: number): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (pattern.test(output().slice(from))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`arco dev never printed ${pattern}:\n${output().slice(from)}`);
}

describe('arco dev hot reload', () => {
  const project = tempProject(ONE);
  writeFileSync(join(project.dir, 'label.ts'), "export const label = 'first';\n");
  let dev: Awaited<ReturnType<typeof startDev>>;
  before(async () => {
    dev = await startDev(['--project', project.dir]);
  });
  after(async () => {
    await stopProcess(dev.child);
    project.remove();
  });

  async function run(select: string): Promise<Run> {
    const result = await arcoAsync(['run', '--select', select, '--url', dev.url, '--wait', '--json']);
    assert.equal(result.status, 0, result.stdout + result.stderr);
    return JSON.parse(result.stdout) as Run;
  }

  test('an asset added to the definitions file is announced and runs without a restart', async () => {
    const mark = dev.output().length;
    writeFileSync(project.file, TWO);
    await until(dev.output, /assets added\s+b/, mark);
    const done = await run('b');
    assert.equal(done.status, 'SUCCESS');
  });

  test('a change to a file the definitions import runs from the next attempt', async () => {
    const mark = dev.output().length;
    writeFileSync(join(project.dir, 'label.ts'), "export const label = 'second';\n");
    await until(dev.output, /definitions reloaded/, mark);
    const done = await run('a');
    assert.equal(done.tasks[0]?.materialization?.metadata.label, 'second');
  });

  test('a broken edit keeps the last good definitions running and names the file and line', async () => {
    const mark = dev.output().length;
    writeFileSync(project.file, `${TWO}\nconst broken = ;\n`);
    await until(dev.output, /definitions not reloaded/, mark);
    assert.match(dev.output().slice(mark), /definitions\.ts:\d+/);
    const done = await run('b');
    assert.equal(done.status, 'SUCCESS');
  });
});
