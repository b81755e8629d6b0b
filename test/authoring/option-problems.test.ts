/**
 * Unknown options in definitions are load errors that say what was meant: every authoring
 * function refuses an option it does not have, names it, and suggests the nearest real option.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dailyPartitions,
  defineAsset,
  defineDefinitions,
  defineSchedule,
  defineSensor,
  timeWindowMapping,
} from '../../src/authoring/index.js';

const compute = async () => {};

function refuses(define: () => unknown, expected: { code: string; message: string; field: string; suggestions: string[] }): void {
  assert.throws(define, (error: { code: string; message: string; details: Record<string, unknown> }) => {
    assert.equal(error.code, expected.code);
    assert.equal(error.message, expected.message);
    assert.equal(error.details.field, expected.field);
    assert.deepEqual(error.details.suggestions, expected.suggestions);
    return true;
  });
}

describe('unknown options are load errors with "did you mean"', () => {
  test('defineAsset refuses `dependencies` and suggests `deps`', () => {
    refuses(() => defineAsset({ key: 'orders', dependencies: ['raw'], compute } as never), {
      code: 'INVALID_DEFINITION',
      message: 'asset "orders": dependencies is not an option; did you mean "deps"?',
      field: 'dependencies',
      suggestions: ['deps'],
    });
  });

  test('defineAsset refuses a misspelled nested option: retry.maxRetrys suggests maxRetries', () => {
    refuses(() => defineAsset({ key: 'orders', compute, retry: { maxRetrys: 3 } } as never), {
      code: 'INVALID_DEFINITION',
      message: 'asset "orders": retry.maxRetrys is not an option; did you mean "maxRetries"?',
      field: 'retry.maxRetrys',
      suggestions: ['maxRetries'],
    });
  });

  test("defineAsset suggests `partitions` for Dagster's `partitions_def`", () => {
    refuses(() => defineAsset({ key: 'orders', compute, partitions_def: dailyPartitions({ start: '2024-01-01' }) } as never), {
      code: 'INVALID_DEFINITION',
      message: 'asset "orders": partitions_def is not an option; did you mean "partitions"?',
      field: 'partitions_def',
      suggestions: ['partitions'],
    });
  });

  test("defineSchedule suggests `timezone` for Dagster's `execution_timezone`", () => {
    refuses(() => defineSchedule({ name: 'nightly', cron: '0 2 * * *', target: ['a'], execution_timezone: 'UTC' } as never), {
      code: 'INVALID_SCHEDULE',
      message: 'schedule "nightly": execution_timezone is not an option; did you mean "timezone"?',
      field: 'execution_timezone',
      suggestions: ['timezone'],
    });
  });

  test('defineSensor suggests `minimumIntervalSeconds` for `minimumIntervalSecs`', () => {
    refuses(() => defineSensor({ name: 'files', evaluate: () => undefined, minimumIntervalSecs: 60 } as never), {
      code: 'INVALID_SENSOR',
      message: 'sensor "files": minimumIntervalSecs is not an option; did you mean "minimumIntervalSeconds"?',
      field: 'minimumIntervalSecs',
      suggestions: ['minimumIntervalSeconds'],
    });
  });

  test('dailyPartitions suggests `start` for `startDate`', () => {
    refuses(() => dailyPartitions({ startDate: '2024-01-01' } as never), {
      code: 'INVALID_PARTITIONS_DEFINITION',
      message: 'invalid daily partitions, startDate: is not an option; did you mean "start"?',
      field: 'startDate',
      suggestions: ['start'],
    });
  });

  test('a partition mapping suggests `startOffset` for `start_offset`', () => {
    refuses(() => timeWindowMapping({ start_offset: -1 } as never), {
      code: 'INVALID_PARTITION_MAPPING',
      message: 'invalid time-window mapping, start_offset: is not an option; did you mean "startOffset"?',
      field: 'start_offset',
      suggestions: ['startOffset'],
    });
  });

  test('defineDefinitions refuses `asset` and suggests `assets`', () => {
    refuses(() => defineDefinitions({ asset: [] } as never), {
      code: 'INVALID_DEFINITION',
      message: 'definitions: asset is not an option; did you mean "assets"?',
      field: 'asset',
      suggestions: ['assets'],
    });
  });

  test('an unknown option with nothing near is still refused, without suggestions', () => {
    assert.throws(() => defineAsset({ key: 'orders', compute, xyzzy: 1 } as never), (error: { code: string; message: string; details: Record<string, unknown> }) => {
      assert.equal(error.code, 'INVALID_DEFINITION');
      assert.equal(error.message, 'asset "orders": xyzzy is not an option');
      assert.equal(error.details.suggestions, undefined);
      return true;
    });
  });
});
