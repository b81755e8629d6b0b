/**
 * The `freshness` option of defineAsset: both shapes resolve to whole minutes, and every bad
 * policy is a load error naming the asset, the field and what is valid.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset } from '../../src/authoring/index.js';
import { indexDefinitions } from '../../src/runtime/definitions-loader.js';
import { defineDefinitions } from '../../src/authoring/index.js';

const compute = async () => {};
const policyOf = (freshness: unknown) => defineAsset({ key: 'orders', compute, freshness } as never).freshness;

function refuses(freshness: unknown, expected: { message: string; field: string; suggestions?: string[] }): void {
  assert.throws(() => defineAsset({ key: 'orders', compute, freshness } as never), (error: { code: string; message: string; details: Record<string, unknown> }) => {
    assert.equal(error.code, 'INVALID_DEFINITION');
    assert.equal(error.message, expected.message);
    assert.equal(error.details.field, expected.field);
    assert.deepEqual(error.details.suggestions, expected.suggestions);
    return true;
  });
}

describe('defineAsset freshness policies', () => {
  test('{ maxLagMinutes, warnAfterMinutes } resolves to those minutes', () => {
    assert.deepEqual(policyOf({ maxLagMinutes: 60, warnAfterMinutes: 30 }), { kind: 'time_window', failAfterMinutes: 60, warnAfterMinutes: 30 });
    assert.deepEqual(policyOf({ maxLagMinutes: 90 }), { kind: 'time_window', failAfterMinutes: 90, warnAfterMinutes: null });
  });

  test("Dagster's failAfter/warnAfter take duration strings and { days, hours, minutes } objects", () => {
    assert.deepEqual(policyOf({ failAfter: '24h', warnAfter: '12h' }), { kind: 'time_window', failAfterMinutes: 1440, warnAfterMinutes: 720 });
    assert.deepEqual(policyOf({ failAfter: { days: 1, hours: 12 }, warnAfter: '90m' }), { kind: 'time_window', failAfterMinutes: 2160, warnAfterMinutes: 90 });
    assert.deepEqual(policyOf({ failAfter: '2d' }), { kind: 'time_window', failAfterMinutes: 2880, warnAfterMinutes: null });
  });

  test('an asset without a policy has none, and a loaded definition carries the policy', () => {
    assert.equal(defineAsset({ key: 'plain', compute }).freshness, null);
    const fresh = defineAsset({ key: 'fresh', compute, freshness: { failAfter: '1h' } });
    const loaded = indexDefinitions('definitions.ts', defineDefinitions({ assets: [fresh] }));
    assert.deepEqual(loaded.assets.get('fresh')?.freshness, { kind: 'time_window', failAfterMinutes: 60, warnAfterMinutes: null });
  });

  test('warnAfter must be less than failAfter, in either shape', () => {
    refuses({ failAfter: '24h', warnAfter: { hours: 24 } }, {
      message: 'asset "orders": freshness.warnAfter must be less than failAfter (1d is not less than 1d)',
      field: 'freshness.warnAfter',
    });
    refuses({ maxLagMinutes: 60, warnAfterMinutes: 90 }, {
      message: 'asset "orders": freshness.warnAfterMinutes must be less than maxLagMinutes (1h30m is not less than 1h)',
      field: 'freshness.warnAfterMinutes',
    });
  });

  test('windows are whole minutes, at least one', () => {
    refuses({ maxLagMinutes: 0 }, { message: 'asset "orders": freshness.maxLagMinutes must be at least 1 minute', field: 'freshness.maxLagMinutes' });
    refuses({ maxLagMinutes: 1.5 }, { message: 'asset "orders": freshness.maxLagMinutes must be a whole number of minutes', field: 'freshness.maxLagMinutes' });
    refuses({ failAfter: '0m' }, { message: 'asset "orders": freshness.failAfter must be at least 1 minute', field: 'freshness.failAfter' });
    refuses({ failAfter: '1h', warnAfter: { minutes: 0 } }, { message: 'asset "orders": freshness.warnAfter must be at least 1 minute', field: 'freshness.warnAfter' });
  });

  test('a duration that is not days, hours and minutes names the valid forms', () => {
    const message = `asset "orders": freshness.failAfter must be a duration like '90m', '24h', '2d' or '1d12h', or { days, hours, minutes }`;
    refuses({ failAfter: '30s' }, { message, field: 'freshness.failAfter' });
    refuses({ failAfter: '24 hours' }, { message, field: 'freshness.failAfter' });
    refuses({ failAfter: 1440 }, { message, field: 'freshness.failAfter' });
  });

  test('a policy needs a failure window and does not mix the two shapes', () => {
    refuses({ warnAfter: '1h' }, { message: 'asset "orders": freshness.failAfter is required: a freshness policy needs { maxLagMinutes } or { failAfter }', field: 'freshness.failAfter' });
    refuses({ warnAfterMinutes: 5 }, { message: 'asset "orders": freshness.maxLagMinutes is required: a freshness policy needs { maxLagMinutes } or { failAfter }', field: 'freshness.maxLagMinutes' });
    refuses({ maxLagMinutes: 60, failAfter: '1h' }, {
      message: 'asset "orders": freshness.failAfter cannot be mixed with maxLagMinutes/warnAfterMinutes: use { maxLagMinutes, warnAfterMinutes } or { failAfter, warnAfter }',
      field: 'freshness.failAfter',
    });
  });

  test("Dagster's names point to ours: fail_window suggests failAfter, freshness_policy suggests freshness", () => {
    refuses({ fail_window: '1h' }, { message: 'asset "orders": freshness.fail_window is not an option; did you mean "failAfter"?', field: 'freshness.fail_window', suggestions: ['failAfter'] });
    assert.throws(() => defineAsset({ key: 'orders', compute, freshness_policy: { failAfter: '1h' } } as never), /freshness_policy is not an option; did you mean "freshness"\?/);
  });
});

/** Like `refuses`, for the errors that keep the code of the cron and timezone checks. */
function refusesWith(freshness: unknown, expected: { code: string; message: string; field: string }): void {
  assert.throws(() => defineAsset({ key: 'orders', compute, freshness } as never), (error: { code: string; message: string; details: Record<string, unknown> }) => {
    assert.equal(error.code, expected.code);
    assert.equal(error.message, expected.message);
    assert.equal(error.details.field, expected.field);
    assert.equal(error.details.asset, 'orders');
    return true;
  });
}

describe('defineAsset cron freshness policies', () => {
  test('{ deadlineCron, lowerBound } resolves to the cron, the bound in minutes and UTC', () => {
    assert.deepEqual(policyOf({ deadlineCron: '0 9 * * *', lowerBound: '1h' }), { kind: 'cron', deadlineCron: '0 9 * * *', lowerBoundMinutes: 60, timezone: 'UTC' });
    assert.deepEqual(policyOf({ deadlineCron: ' 0  9 * * 1-5 ', lowerBound: { hours: 1, minutes: 30 }, timezone: 'Europe/Paris' }), {
      kind: 'cron',
      deadlineCron: '0 9 * * 1-5',
      lowerBoundMinutes: 90,
      timezone: 'Europe/Paris',
    });
  });

  test('a bad deadlineCron is INVALID_CRON naming the asset and freshness.deadlineCron', () => {
    refusesWith({ deadlineCron: '0 25 * * *', lowerBound: '1h' }, {
      code: 'INVALID_CRON',
      message: 'asset "orders": freshness.deadlineCron: invalid cron "0 25 * * *": hour value 25 is outside 0-23',
      field: 'freshness.deadlineCron',
    });
    refusesWith({ deadlineCron: '0 0 30 2 *', lowerBound: '1h' }, {
      code: 'INVALID_CRON',
      message: 'asset "orders": freshness.deadlineCron: invalid cron "0 0 30 2 *": no date matches within 8 years (impossible day and month)',
      field: 'freshness.deadlineCron',
    });
    refuses({ deadlineCron: 9, lowerBound: '1h' }, { message: `asset "orders": freshness.deadlineCron must be a cron like '0 9 * * *'`, field: 'freshness.deadlineCron' });
  });

  test('a bad timezone is INVALID_TIMEZONE naming the asset and freshness.timezone', () => {
    refusesWith({ deadlineCron: '0 9 * * *', lowerBound: '1h', timezone: 'Mars/Olympus' }, {
      code: 'INVALID_TIMEZONE',
      message: 'asset "orders": freshness.timezone: unknown timezone "Mars/Olympus"',
      field: 'freshness.timezone',
    });
  });

  test('lowerBound is at least a minute and at most the shortest time between two deadlines', () => {
    refuses({ deadlineCron: '0 9 * * *', lowerBound: '0m' }, { message: 'asset "orders": freshness.lowerBound must be at least 1 minute', field: 'freshness.lowerBound' });
    refuses({ deadlineCron: '0 9 * * *', lowerBound: '1 hour' }, {
      message: `asset "orders": freshness.lowerBound must be a duration like '90m', '24h', '2d' or '1d12h', or { days, hours, minutes }`,
      field: 'freshness.lowerBound',
    });
    refuses({ deadlineCron: '0 * * * *', lowerBound: '2h' }, {
      message: `asset "orders": freshness.lowerBound must be at most the shortest time between two deadlines of '0 * * * *' (1h), not 2h`,
      field: 'freshness.lowerBound',
    });
    refuses({ deadlineCron: '0 9 * * *', lowerBound: '1d1m' }, {
      message: `asset "orders": freshness.lowerBound must be at most the shortest time between two deadlines of '0 9 * * *' (1d), not 1d1m`,
      field: 'freshness.lowerBound',
    });
    assert.equal(policyOf({ deadlineCron: '0 9 * * *', lowerBound: '1d', timezone: 'Europe/Paris' })?.kind, 'cron', 'a day is a daily deadline’s gap even across a 23-hour DST day');
  });

  test('a cron policy needs deadlineCron and lowerBound, and mixes with no time-window field', () => {
    refuses({ deadlineCron: '0 9 * * *' }, { message: 'asset "orders": freshness.lowerBound is required: a cron freshness policy needs { deadlineCron, lowerBound }', field: 'freshness.lowerBound' });
    refuses({ lowerBound: '1h', timezone: 'UTC' }, { message: 'asset "orders": freshness.deadlineCron is required: a cron freshness policy needs { deadlineCron, lowerBound }', field: 'freshness.deadlineCron' });
    refuses({ deadlineCron: '0 9 * * *', lowerBound: '1h', failAfter: '1d' }, {
      message: 'asset "orders": freshness.failAfter cannot be mixed with deadlineCron: use { deadlineCron, lowerBound, timezone } for a cron policy or { failAfter, warnAfter } for a time window',
      field: 'freshness.failAfter',
    });
    refuses({ maxLagMinutes: 60, timezone: 'Europe/Paris' }, {
      message: 'asset "orders": freshness.timezone cannot be mixed with maxLagMinutes: use { deadlineCron, lowerBound, timezone } for a cron policy or { failAfter, warnAfter } for a time window',
      field: 'freshness.timezone',
    });
    refuses({}, { message: 'asset "orders": freshness.failAfter is required: a freshness policy needs { failAfter }, { maxLagMinutes } or { deadlineCron, lowerBound }', field: 'freshness.failAfter' });
  });

  test("Dagster's deadline_cron suggests deadlineCron, and lower_bound_delta lowerBound", () => {
    refuses({ deadline_cron: '0 9 * * *', lowerBound: '1h' }, {
      message: 'asset "orders": freshness.deadline_cron is not an option; did you mean "deadlineCron"?',
      field: 'freshness.deadline_cron',
      suggestions: ['deadlineCron'],
    });
    refuses({ deadlineCron: '0 9 * * *', lower_bound_delta: '1h' }, {
      message: 'asset "orders": freshness.lower_bound_delta is not an option; did you mean "lowerBound"?',
      field: 'freshness.lower_bound_delta',
      suggestions: ['lowerBound'],
    });
  });
});
