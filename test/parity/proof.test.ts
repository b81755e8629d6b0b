import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ciRunsCommand,
  declaresMember,
  declaresName,
  fileMentionsTitle,
  matchingResults,
  type TestReport,
} from '../../src/parity/index.js';

const SOURCE = `
export function foldRun(state: State) {}
export async function* streamEvents() {}
export const RUN_LIMIT = 5;
export interface RunProjection { status: string }
export type RunId = string;
export enum Mode { A }
class Reducer {
  static create(): Reducer { return new Reducer(); }
  private readonly cache = new Map();
  async apply<T>(event: T): Promise<void> {}
}
export { Reducer as DefaultReducer, Reducer };
`;

describe('parity proof lookups', () => {
  const names = [
    ['finds an exported function', 'foldRun', true],
    ['finds an async generator function', 'streamEvents', true],
    ['finds a constant', 'RUN_LIMIT', true],
    ['finds an interface', 'RunProjection', true],
    ['finds a type alias', 'RunId', true],
    ['finds an enum', 'Mode', true],
    ['finds a class', 'Reducer', true],
    ['finds a name exported in a re-export list', 'DefaultReducer', true],
    ['does not find a name that is only used', 'State', false],
    ['does not find a longer name by its prefix', 'fold', false],
  ] as const;
  for (const [title, name, expected] of names) {
    test(`${title}: ${name}`, () => assert.equal(declaresName(SOURCE, name), expected));
  }

  const members = [
    ['finds a static method', 'create', true],
    ['finds a property', 'cache', true],
    ['finds a generic async method', 'apply', true],
    ['finds an interface field', 'status', true],
    ['does not find a member that is not declared', 'remove', false],
  ] as const;
  for (const [title, member, expected] of members) {
    test(`${title}: ${member}`, () => assert.equal(declaresMember(SOURCE, member), expected));
  }

  const script = '#!/usr/bin/env bash\nset -e\n# npm run lint\nnpm ci && npm test\nnode bin/arco.mjs parity check --report reports/junit.xml\n';
  const commands = [
    ['a command on its own line after &&', 'npm test', true],
    ['a command with arguments', 'node bin/arco.mjs parity check', true],
    ['a command that is commented out', 'npm run lint', false],
    ['a prefix of a longer word', 'npm tes', false],
    ['a command absent from the script', 'npm run gate:m1', false],
  ] as const;
  for (const [title, command, expected] of commands) {
    test(`recognises whether .ci/run runs ${title}`, () => assert.equal(ciRunsCommand(script, command), expected));
  }

  test('finds a title in a test file even when its quotes are escaped there', () => {
    const file = `test('does not start a second run when it\\'s restarted', () => {});`;
    assert.equal(fileMentionsTitle(file, "does not start a second run when it's restarted"), true);
    assert.equal(fileMentionsTitle(file, 'starts a second run'), false);
  });

  test('matches a citation against the end of each title path and the file when recorded', () => {
    const report: TestReport = {
      results: [
        { titlePath: ['runs', 'ends SUCCESS'], outcome: 'passed' },
        { titlePath: ['other', 'ends SUCCESS'], outcome: 'failed', file: '/ci/test/other.test.ts' },
        { titlePath: ['ends SUCCESS'], outcome: 'passed', file: 'test/fold/runs.test.ts' },
      ],
    };
    const cite = (titlePath: string[]) => matchingResults(report, { raw: '', file: 'test/fold/runs.test.ts', titlePath }).map((r) => r.titlePath.join(' › '));
    assert.deepEqual(cite(['runs', 'ends SUCCESS']), ['runs › ends SUCCESS']);
    assert.deepEqual(cite(['ends SUCCESS']), ['runs › ends SUCCESS', 'ends SUCCESS']);
    assert.deepEqual(cite(['fold', 'runs', 'ends SUCCESS']), []);
  });
});
