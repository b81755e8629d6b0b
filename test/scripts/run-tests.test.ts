/**
 * The test runner's summary tells the truth about skips: PostgreSQL tests skipped on a developer
 * machine with no database are counted as skipped, one by one, instead of vanishing inside a
 * skipped suite (node:test counts a skipped `describe` as no test at all).
 *
 * Method: run scripts/run-tests.mjs on the PostgreSQL store tests with CI unset and the database
 * URL pointing at a closed port, then read its spec summary and its JUnit report.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') return [];
    return statSync(path).isDirectory() ? testFiles(path) : /\.ts$/.test(name) ? [path] : [];
  });
}

describe('the test runner', () => {
  test('counts PostgreSQL tests skipped for want of a database as skipped tests, each named in the report', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ARCO_TEST_PG: 'postgres://nobody@127.0.0.1:1/test' };
    delete env.CI;
    // Set by node:test in the processes it runs; the nested runner must report as a top-level one.
    delete env.NODE_TEST_CONTEXT;
    const run = spawnSync(process.execPath, ['scripts/run-tests.mjs', 'test/store/postgres.test.ts'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    const count = (label: string) => Number(new RegExp(`^ℹ ${label} (\\d+)$`, 'm').exec(run.stdout)?.[1]);
    assert.equal(count('pass'), 0);
    assert.ok(count('skipped') >= 20, `the summary says skipped ${count('skipped')}`);
    assert.equal(count('skipped'), count('tests'));
    const junit = readFileSync(join(ROOT, 'reports', 'junit-store-postgres.xml'), 'utf8');
    assert.match(junit, /<testcase name="appending an event folds it into the projections in the same call"[^>]*>\s*<skipped/);
  });

  test('no test suite is skipped as a whole (its tests would go uncounted): skip each test with skippable()', () => {
    const problems = testFiles(join(ROOT, 'test'))
      .filter((path) => /\bdescribe\(\s*['"`][^\n]*,\s*\{[^}\n]*\bskip\b/.test(readFileSync(path, 'utf8')))
      .map((path) => `${relative(ROOT, path)}: describe(..., { skip }) -> skippable(reason) from test/helpers/skippable.ts`);
    assert.deepEqual(problems, []);
  });
});
