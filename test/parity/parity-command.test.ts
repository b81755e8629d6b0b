/**
 * `arco parity` as a user runs it: output lines and exit codes (0 ok, 1 problems, 2 usage error).
 * The command gets an injected io so that nothing here exits the test process. (It proves
 * src/cli/commands/parity.ts; it lives here because test/parity is the parity tool's test folder.)
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parityCommand, type ParityCliIo } from '../../src/cli/commands/parity.js';
import { PARITY_PATHS } from '../../src/parity/index.js';
import { copyFixtureRepo, fixtureText, setCell } from './fixture-repo.js';

class Exited extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

async function run(cwd: string, ...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  let code = 0;
  const io: ParityCliIo = {
    cwd: () => cwd,
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    setExitCode: (value) => {
      code = value;
    },
    exit: (value) => {
      throw new Exited(value);
    },
  };
  try {
    await parityCommand(io).parseAsync(args, { from: 'user' });
  } catch (error) {
    if (!(error instanceof Exited)) throw error;
    code = error.code;
  }
  return { out, err, code };
}

async function withRepo(body: (root: string) => Promise<void>): Promise<void> {
  const { root, cleanup } = copyFixtureRepo();
  try {
    await body(root);
  } finally {
    cleanup();
  }
}

function passingReport(root: string): void {
  mkdirSync(join(root, 'reports'), { recursive: true });
  writeFileSync(join(root, 'reports', 'junit.xml'), fixtureText('junit-pass.xml'));
}

describe('arco parity', () => {
  test('check exits 0 and prints no problem lines when the matrix is proven', async () => {
    await withRepo(async (root) => {
      passingReport(root);
      const result = await run(join(root, 'docs'), 'check');
      assert.equal(result.code, 0);
      assert.equal(result.out, '');
      assert.match(result.err, /parity check: 10 rows, no problems \(Implemented 1 · Partial 1 · Designed 1 · Planned 6 · Exception 1\)/);
    });
  });

  test('check exits 1 and prints one line per problem with its line and column', async () => {
    await withRepo(async (root) => {
      const file = join(root, PARITY_PATHS.matrix);
      writeFileSync(file, setCell(readFileSync(file, 'utf8'), 'SEN-01', 'Owner', '@arco/nobody'));
      const result = await run(root, 'check');
      assert.equal(result.code, 1);
      const lines = result.out.trim().split('\n');
      assert.equal(lines.length, 3, result.out);
      assert.match(lines[0] ?? '', /^matrix:9: Evidence \(Tests\): SCH-01: test\/widgets\/spin\.test\.ts › spins › turns a widget once is not in the test report/);
      assert.match(lines[1] ?? '', /^matrix:16: Owner: SEN-01: "@arco\/nobody" is neither TBD nor a team in CODEOWNERS/);
      assert.match(lines[2] ?? '', /^matrix:16: Owner: SEN-01: the CSV \(line 4\) says "@arco\/automation"/);
    });
  });

  test('check --report reads the named report, relative to the working directory', async () => {
    await withRepo(async (root) => {
      writeFileSync(join(root, 'pass.xml'), fixtureText('junit-pass.xml'));
      const result = await run(root, 'check', '--report', 'pass.xml');
      assert.equal(result.code, 0, result.out + result.err);
    });
  });

  test('check --json prints the problems as JSON', async () => {
    await withRepo(async (root) => {
      const result = await run(root, 'check', '--json');
      assert.equal(result.code, 1);
      const parsed = JSON.parse(result.out) as { ok: boolean; rows: number; problems: { rule: string; line: number; column: string }[] };
      assert.equal(parsed.ok, false);
      assert.equal(parsed.rows, 10);
      assert.deepEqual(parsed.problems.map((problem) => [problem.rule, problem.line, problem.column]), [['test-not-in-report', 9, 'Evidence (Tests)']]);
    });
  });

  test('check exits 2 when a named report does not exist', async () => {
    await withRepo(async (root) => {
      const result = await run(root, 'check', '--report', 'missing.xml');
      assert.equal(result.code, 2);
      assert.match(result.err, /PARITY_FILE_NOT_FOUND/);
    });
  });

  test('exits 2 on an unknown option or subcommand', async () => {
    await withRepo(async (root) => {
      assert.equal((await run(root, 'check', '--nope')).code, 2);
      assert.equal((await run(root, 'frobnicate')).code, 2);
      assert.equal((await run(root, 'export')).code, 2);
    });
  });

  test('exits 2 outside an arco-flow repository without --root', async () => {
    const result = await run('/', 'check');
    assert.equal(result.code, 2);
    assert.match(result.err, /PARITY_ROOT_NOT_FOUND/);
  });

  test('audit without --downgrade lists the unproven rows and exits 1; with it, rewrites them and exits 0', async () => {
    await withRepo(async (root) => {
      const dryRun = await run(root, 'audit');
      assert.equal(dryRun.code, 1);
      assert.match(dryRun.out, /^matrix:9: Status: SCH-01: Implemented → Partial \(Evidence \(Tests\): .*\)\n$/);
      const applied = await run(root, 'audit', '--downgrade');
      assert.equal(applied.code, 0);
      assert.equal(applied.out, dryRun.out);
      assert.equal((await run(root, 'check')).code, 0);
    });
  });

  test('export --csv regenerates the CSV', async () => {
    await withRepo(async (root) => {
      writeFileSync(join(root, PARITY_PATHS.csv), 'stale\n');
      const result = await run('/', 'export', '--csv', '--root', root);
      assert.equal(result.code, 0);
      assert.equal(result.out, 'wrote docs/parity/dagster-parity-matrix.csv (10 rows)\n');
    });
  });

  test('diff exits 2 on an unknown revision', async () => {
    await withRepo(async (root) => {
      const result = await run(root, 'diff', 'nope');
      assert.equal(result.code, 2);
    });
  });
});
