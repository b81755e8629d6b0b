/**
 * Naming a schedule or sensor that does not exist (`arco schedule start nigthly`, the API's
 * `/schedules/{name}`) is UNKNOWN_SCHEDULE / UNKNOWN_SENSOR suggesting the nearest defined names.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineDefinitions, defineSchedule, defineSensor } from '../../src/authoring/index.js';
import { indexDefinitions } from '../../src/runtime/index.js';
import { scheduleEntryOf, sensorEntryOf } from '../../src/runtime/automation/specs.js';

const a = defineAsset({ key: 'a', compute: async () => {} });
const loaded = indexDefinitions(
  'definitions.ts',
  defineDefinitions({
    assets: [a],
    schedules: [defineSchedule({ name: 'nightly', cron: '0 2 * * *', target: [a] }), defineSchedule({ name: 'hourly', cron: '0 * * * *', target: [a] })],
    sensors: [defineSensor({ name: 'new_files', target: [a], evaluate: () => undefined })],
  }),
);

describe('unknown schedules and sensors', () => {
  test('an unknown schedule is UNKNOWN_SCHEDULE suggesting the nearest schedule', () => {
    assert.throws(() => scheduleEntryOf(loaded, 'nigthly'), {
      code: 'UNKNOWN_SCHEDULE',
      message: 'no schedule named "nigthly" is defined; did you mean "nightly"?',
      details: { schedule: 'nigthly', suggestions: ['nightly'] },
    });
  });

  test('an unknown sensor is UNKNOWN_SENSOR suggesting the nearest sensor', () => {
    assert.throws(() => sensorEntryOf(loaded, 'new_file'), {
      code: 'UNKNOWN_SENSOR',
      message: 'no sensor named "new_file" is defined; did you mean "new_files"?',
      details: { sensor: 'new_file', suggestions: ['new_files'] },
    });
  });

  test('a name like none defined suggests nothing', () => {
    assert.throws(() => scheduleEntryOf(loaded, 'weekly_report'), { code: 'UNKNOWN_SCHEDULE', details: { schedule: 'weekly_report' } });
  });
});
