/**
 * The I/O shell against a real copy of the fixture repository in a temp dir, with real git for
 * `diff`. Each test makes its own copy and removes it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isArcoError } from '../../src/domain/errors/index.js';
import {
  PARITY_PATHS,
  auditRepository,
  checkRepository,
  diffRepository,
  exportCsv,
  findRepositoryRoot,
  parseMatrix,
} from '../../src/parity/index.js';
import { copyFixtureRepo, fixtureText, setCell } from './fixture-repo.js';

function withRepo(body: (root: string) => void): void {
  const { root, cleanup } = copyFixtureRepo();
  try {
    body(root);
  } finally {
    cleanup();
  }
}

function writeReport(root: string, name: string, xml: string): string {
  mkdirSync(join(root, 'reports'), { recursive: true });
  writeFileSync(join(root, 'reports', name), xml);
  return join('reports', name);
}

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: root, stdio: 'ignore' });
}

const failsWith = (code: string) => (error: unknown) => isArcoError(error) && error.code === code;

describe('parity repository', () => {
  test('passes the fixture repository against a report in which its cited test passed', () => {
    withRepo((root) => {
      const report = writeReport(root, 'junit.xml', fixtureText('junit-pass.xml'));
      assert.deepEqual(checkRepository(root, [report]).problems, []);
      assert.deepEqual(checkRepository(root).problems, [], 'reports/junit.xml is the default report');
    });
  });

  test('counts no test as passed when there is no report, and says so', () => {
    withRepo((root) => {
      const outcome = checkRepository(root);
      assert.deepEqual(outcome.problems.map((problem) => problem.rule), ['test-not-in-report']);
      assert.deepEqual(outcome.notes, ['no test report at reports/junit.xml: no test counts as passed']);
    });
  });

  test('merges several reports', () => {
    withRepo((root) => {
      const other = writeReport(root, 'other.xml', '<testsuites><testcase name="unrelated"/></testsuites>');
      const pass = writeReport(root, 'pass.xml', fixtureText('junit-pass.xml'));
      assert.deepEqual(checkRepository(root, [other, pass]).problems, []);
    });
  });

  test('fails on a named report that does not exist or is not JUnit XML', () => {
    withRepo((root) => {
      assert.throws(() => checkRepository(root, ['reports/none.xml']), failsWith('PARITY_FILE_NOT_FOUND'));
      const bad = writeReport(root, 'bad.xml', 'not xml');
      assert.throws(() => checkRepository(root, [bad]), failsWith('PARITY_REPORT_INVALID'));
    });
  });

  test('reports a CSV that no longer agrees with the markdown, and export regenerates it', () => {
    withRepo((root) => {
      const report = writeReport(root, 'junit.xml', fixtureText('junit-pass.xml'));
      const matrixFile = join(root, PARITY_PATHS.matrix);
      writeFileSync(matrixFile, setCell(readFileSync(matrixFile, 'utf8'), 'SEN-01', 'Notes', 'Changed.'));
      assert.deepEqual(checkRepository(root, [report]).problems.map((problem) => `${problem.rule} ${problem.column}`), ['csv-mismatch Notes']);
      assert.deepEqual(exportCsv(root), { path: PARITY_PATHS.csv, rows: 10 });
      assert.deepEqual(checkRepository(root, [report]).problems, []);
    });
  });

  test('reports a missing CSV', () => {
    withRepo((root) => {
      writeFileSync(join(root, PARITY_PATHS.csv), '');
      const report = writeReport(root, 'junit.xml', fixtureText('junit-pass.xml'));
      assert.deepEqual(checkRepository(root, [report]).problems.map((problem) => problem.rule), ['csv-mismatch']);
    });
  });

  test('reports an incomplete exception entry in exceptions.md', () => {
    withRepo((root) => {
      const file = join(root, PARITY_PATHS.exceptions);
      writeFileSync(file, readFileSync(file, 'utf8').replace(/\*\*Type:\*\*.*\n/, ''));
      const report = writeReport(root, 'junit.xml', fixtureText('junit-pass.xml'));
      const problems = checkRepository(root, [report]).problems;
      assert.deepEqual(problems.map((problem) => `${problem.source} ${problem.rule}`), ['exceptions exception-incomplete']);
    });
  });

  test('audit --downgrade rewrites the unproven row to Partial in the markdown and the CSV', () => {
    withRepo((root) => {
      const dryRun = auditRepository(root, [], false);
      assert.deepEqual(dryRun.downgrades.map((downgrade) => downgrade.rowId), ['SCH-01']);
      assert.equal(parseMatrix(readFileSync(join(root, PARITY_PATHS.matrix), 'utf8')).rows[0]?.cells.Status, 'Implemented', 'a dry run writes nothing');

      auditRepository(root, [], true);
      assert.equal(parseMatrix(readFileSync(join(root, PARITY_PATHS.matrix), 'utf8')).rows[0]?.cells.Status, 'Partial');
      assert.deepEqual(checkRepository(root).problems, [], 'the downgraded matrix and its CSV pass');
    });
  });

  test('finds the repository root from a folder inside it, and fails outside any', () => {
    withRepo((root) => {
      assert.equal(findRepositoryRoot(join(root, 'docs', 'parity')), root);
      assert.throws(() => findRepositoryRoot('/'), failsWith('PARITY_ROOT_NOT_FOUND'));
    });
  });

  test('diffs the matrix between two commits and between a commit and the working tree', () => {
    withRepo((root) => {
      git(root, 'init', '-q');
      git(root, 'add', '-A');
      git(root, 'commit', '-q', '-m', 'one');
      const matrixFile = join(root, PARITY_PATHS.matrix);
      writeFileSync(matrixFile, setCell(readFileSync(matrixFile, 'utf8'), 'SCH-02', 'Status', 'Designed'));
      git(root, 'commit', '-q', '-am', 'two');
      writeFileSync(matrixFile, setCell(readFileSync(matrixFile, 'utf8'), 'BF-01', 'Notes', 'Work in progress.'));

      const committed = diffRepository(root, 'HEAD~1', 'HEAD');
      assert.deepEqual(committed.changed.map((change) => [change.id, change.statusFrom, change.status]), [['SCH-02', 'Planned', 'Designed']]);
      assert.match(committed.from, /^HEAD~1 \([0-9a-f]{10}\)$/);

      const working = diffRepository(root, 'HEAD');
      assert.equal(working.to, 'working tree');
      assert.deepEqual(working.changed.map((change) => change.id), ['BF-01']);
    });
  });

  test('diffs from a commit before the matrix existed as all rows added', () => {
    withRepo((root) => {
      git(root, 'init', '-q');
      git(root, 'commit', '-q', '--allow-empty', '-m', 'empty');
      git(root, 'add', '-A');
      git(root, 'commit', '-q', '-m', 'matrix');
      assert.equal(diffRepository(root, 'HEAD~1', 'HEAD').added.length, 10);
    });
  });

  test('fails with PARITY_GIT_FAILED outside a git repository', () => {
    withRepo((root) => {
      assert.throws(() => diffRepository(root, 'HEAD'), failsWith('PARITY_GIT_FAILED'));
    });
  });

  test('fails on a revision that names no commit', () => {
    withRepo((root) => {
      git(root, 'init', '-q');
      git(root, 'add', '-A');
      git(root, 'commit', '-q', '-m', 'one');
      assert.throws(() => diffRepository(root, 'no-such-branch'), failsWith('PARITY_REVISION_NOT_FOUND'));
      assert.throws(() => diffRepository(root, '--output=/tmp/x'), failsWith('PARITY_REVISION_NOT_FOUND'));
    });
  });
});
