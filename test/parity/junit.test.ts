/**
 * The fixture junit-node20.xml is real output of Node 20's junit reporter for a throwaway test file
 * (paths and stack frames trimmed), so these tests pin what the checker relies on.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isArcoError } from '../../src/domain/errors/index.js';
import { mergeReports, parseJunitReport, type TestResult } from '../../src/parity/index.js';
import { fixtureText } from './fixture-repo.js';

function outcomeOf(results: readonly TestResult[], ...titlePath: string[]): string[] {
  return results.filter((result) => result.titlePath.join(' › ') === titlePath.join(' › ')).map((result) => result.outcome);
}

describe('JUnit report reading', () => {
  const { results } = parseJunitReport(fixtureText('junit-node20.xml'));

  const cases: readonly { title: string; path: string[]; outcomes: string[] }[] = [
    { title: 'reads a passed top-level test (twice when two files share its title)', path: ['a top-level test passes'], outcomes: ['passed', 'passed'] },
    { title: 'reads a passed test nested in two describe blocks with its suite path', path: ['outer suite', 'inner suite', 'a nested test passes'], outcomes: ['passed'] },
    { title: 'reads a skipped test as skipped', path: ['outer suite', 'inner suite', 'a skipped test'], outcomes: ['skipped'] },
    { title: 'reads a todo test as todo', path: ['outer suite', 'inner suite', 'a todo test'], outcomes: ['todo'] },
    { title: 'reads a failing test as failed', path: ['outer suite', 'a failing test'], outcomes: ['failed'] },
    { title: 'reads a test cancelled by its failing hook as failed', path: ['a suite whose hook fails', 'a test cancelled by its hook'], outcomes: ['failed'] },
    { title: 'reads a subtest under its parent test', path: ['a parent test', 'a subtest passes'], outcomes: ['passed'] },
    { title: 'reads a test file that failed to load as a failed test named by its path', path: ['test/fixture/broken.test.ts'], outcomes: ['failed'] },
    { title: 'reads quotes, angle brackets and ampersands in titles as written in the test', path: ['outer suite', 'a title with "quotes", <angle> & ampersand'], outcomes: ['passed'] },
  ];
  for (const { title, path, outcomes } of cases) {
    test(title, () => {
      assert.deepEqual(outcomeOf(results, ...path), outcomes);
    });
  }

  test('reads every testcase and no suite as a test', () => {
    assert.equal(results.length, 10);
    assert.equal(outcomeOf(results, 'outer suite').length, 0);
  });

  test('reads the file attribute when a reporter records one', () => {
    const report = parseJunitReport('<testsuites><testcase name="t" file="/ci/test/a.test.ts"/></testsuites>');
    assert.deepEqual(report.results, [{ titlePath: ['t'], outcome: 'passed', file: '/ci/test/a.test.ts' }]);
  });

  test('keeps every appearance of a test when reports are merged', () => {
    const passed = parseJunitReport('<testsuites><testcase name="t"/></testsuites>');
    const failed = parseJunitReport('<testsuites><testcase name="t"><failure/></testcase></testsuites>');
    assert.deepEqual(mergeReports([passed, failed]).results.map((result) => result.outcome), ['passed', 'failed']);
  });

  test('rejects text that is not a JUnit report with PARITY_REPORT_INVALID', () => {
    assert.throws(
      () => parseJunitReport('{"tests": []}'),
      (error: unknown) => isArcoError(error) && error.code === 'PARITY_REPORT_INVALID',
    );
  });

  test('reads an empty report as no tests', () => {
    assert.deepEqual(parseJunitReport('<?xml version="1.0"?>\n<testsuites>\n</testsuites>\n').results, []);
  });
});
