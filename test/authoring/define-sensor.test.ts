/** defineSensor, defineAssetSensor, defineRunStatusSensor and their resolution: bad sensors fail at load, naming the sensor. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineAssetSensor, defineDefinitions, defineRunStatusSensor, defineSensor, z } from '../../src/authoring/index.js';

const a = defineAsset({ key: 'a', compute: async () => {} });
const evaluate = () => {};

describe('defining sensors', () => {
  test('a poll sensor defaults to stopped, a 30 s interval and a 60 s time limit', () => {
    const s = defineSensor({ name: 'files', target: [a], evaluate });
    assert.deepEqual([s.kind, s.defaultStatus, s.minimumIntervalSeconds, s.timeoutMs, s.target], ['poll', 'STOPPED', 30, 60_000, ['a']]);
  });

  test('defaultStatus running makes a sensor RUNNING by default; stopped keeps it STOPPED', () => {
    const running = defineSensor({ name: 'files', target: [a], defaultStatus: 'running', evaluate });
    const stopped = defineSensor({ name: 'files', target: [a], defaultStatus: 'stopped', evaluate });
    assert.deepEqual([running.defaultStatus, stopped.defaultStatus], ['RUNNING', 'STOPPED']);
  });

  test('a push sensor keeps its payload schema', () => {
    const s = defineSensor({ name: 'hook', type: 'push', payload: z.object({ id: z.string() }), evaluate });
    assert.ok(s.kind === 'push' && s.payloadSchema !== null);
  });

  test('an asset sensor names the asset it follows; a run-status sensor its statuses', () => {
    const asset = defineAssetSensor({ name: 'on_a', asset: a, target: 'key:a' });
    const runs = defineRunStatusSensor({ name: 'on_fail', runStatus: ['FAILURE', 'CANCELED', 'FAILURE'], evaluate });
    assert.deepEqual([asset.kind === 'asset' && asset.monitoredAsset, runs.kind === 'run_status' && runs.runStatuses], ['a', ['FAILURE', 'CANCELED']]);
  });

  const invalid: { title: string; make: () => unknown; field: string }[] = [
    { title: 'a name with a colon', make: () => defineSensor({ name: 'a:b', evaluate }), field: 'name' },
    { title: 'a zero interval', make: () => defineSensor({ name: 's', minimumIntervalSeconds: 0, evaluate }), field: 'minimumIntervalSeconds' },
    { title: 'a missing evaluate', make: () => defineSensor({ name: 's' } as never), field: 'evaluate' },
    { title: 'an unknown option', make: () => defineSensor({ name: 's', evaluate, every: 5 } as never), field: 'every' },
    { title: 'an interval on a push sensor', make: () => defineSensor({ name: 's', type: 'push', minimumIntervalSeconds: 5, evaluate } as never), field: 'minimumIntervalSeconds' },
    { title: 'a payload that is not a zod schema', make: () => defineSensor({ name: 's', type: 'push', payload: { id: 'string' }, evaluate } as never), field: 'payload' },
    { title: 'an unknown run status', make: () => defineRunStatusSensor({ name: 's', runStatus: 'DONE' as never, evaluate }), field: 'runStatus' },
    { title: 'an empty target', make: () => defineSensor({ name: 's', target: [], evaluate }), field: 'target' },
  ];
  for (const c of invalid) {
    test(`${c.title} is INVALID_SENSOR naming the field`, () => {
      assert.throws(c.make, (error: { code: string; details: { field: string } }) => {
        assert.equal(error.code, 'INVALID_SENSOR');
        assert.equal(error.details.field, c.field);
        return true;
      });
    });
  }
});

describe('sensors resolved by defineDefinitions', () => {
  test('targets resolve to asset keys; a sensor without a target has none', () => {
    const defs = defineDefinitions({ assets: [a], sensors: [defineSensor({ name: 'x', target: '*', evaluate }), defineSensor({ name: 'y', evaluate })] });
    assert.deepEqual(defs.sensors.map((s) => s.assetKeys), [['a'], []]);
  });

  const invalid: { title: string; sensors: () => unknown[]; code: string }[] = [
    { title: 'a target naming an unknown asset', sensors: () => [defineSensor({ name: 'x', target: ['nope'], evaluate })], code: 'UNKNOWN_ASSET' },
    { title: 'an asset sensor on an unknown asset', sensors: () => [defineAssetSensor({ name: 'x', asset: 'nope' })], code: 'UNKNOWN_ASSET' },
    { title: 'a run-status sensor monitoring an unknown asset', sensors: () => [defineRunStatusSensor({ name: 'x', runStatus: 'SUCCESS', monitoredTarget: ['nope'], evaluate })], code: 'UNKNOWN_ASSET' },
    { title: 'two sensors with one name', sensors: () => [defineSensor({ name: 'x', evaluate }), defineSensor({ name: 'x', evaluate })], code: 'DUPLICATE_AUTOMATION_NAME' },
    { title: 'something that is not a sensor', sensors: () => [{ name: 'x', evaluate }], code: 'INVALID_DEFINITION' },
  ];
  for (const c of invalid) {
    test(`${c.title} fails at load with ${c.code}`, () => {
      assert.throws(() => defineDefinitions({ assets: [a], sensors: c.sensors() as never }), { code: c.code });
    });
  }
});
