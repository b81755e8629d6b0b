/**
 * Suites that may be skipped as a whole (PostgreSQL on a developer machine with no database),
 * skipped so that the report counts them.
 *
 * node:test reports a skipped `describe` as one skipped suite and none of its tests: the summary
 * said `skipped 0` while every PostgreSQL test was skipped. So the suite itself always runs and
 * each of its tests is skipped with the reason: they are counted (and named in the JUnit report),
 * while `beforeEach`/`afterEach` never run for a skipped test and `before`/`after` become no-ops.
 *
 *   const { test, before, after } = skippable(await postgresSkip());
 *   describe('PostgreSQL store', () => { before(...); test('...', async () => { ... }); });
 */
import { test as nodeTest, before as nodeBefore, after as nodeAfter, type TestContext, type TestOptions } from 'node:test';

type TestFn = (t: TestContext) => void | Promise<void>;
type HookFn = () => void | Promise<void>;

export interface SkippableSuite {
  test(name: string, fn: TestFn): Promise<void>;
  test(name: string, options: TestOptions, fn: TestFn): Promise<void>;
  before(fn: HookFn): void;
  after(fn: HookFn): void;
}

/** `test`, `before` and `after` that skip every test (and run no suite hook) when `skip` is a reason. */
export function skippable(skip: string | false): SkippableSuite {
  function test(name: string, optionsOrFn: TestOptions | TestFn, maybeFn?: TestFn): Promise<void> {
    const options = typeof optionsOrFn === 'function' ? {} : optionsOrFn;
    const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn;
    return skip === false ? nodeTest(name, options, fn) : nodeTest(name, { ...options, skip }, fn);
  }
  return {
    test,
    before: (fn) => (skip === false ? nodeBefore(fn) : undefined),
    after: (fn) => (skip === false ? nodeAfter(fn) : undefined),
  };
}
