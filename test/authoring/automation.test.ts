/**
 * `automation` on defineAsset: a condition is plain data (so it can be recorded and shown), and
 * anything else fails at load naming the asset; the sensor that evaluates conditions exists only
 * when an asset has one, and its name is taken.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineAsset, defineDefinitions, defineSensor, eager, onCron, onMissing, and, not, missing, inProgress } from '../../src/authoring/index.js';

const compute = async () => {};

describe('automation conditions on assets', () => {
  test('a condition is serializable data with a label per node: eager() is the composition Dagster defines', () => {
    const asset = defineAsset({ key: 'a', automation: eager(), compute });
    const copy = JSON.parse(JSON.stringify(asset.automation)) as { label: string; kind: string; children: { label: string | null }[] };
    assert.equal(copy.label, 'eager');
    assert.equal(copy.kind, 'and');
    assert.deepEqual(copy.children.map((c) => c.label), ['in_latest_time_window', null, null, null, null]);
    assert.equal(defineAsset({ key: 'b', automation: onCron('0 6 * * *', 'Europe/Paris'), compute }).automation?.label, 'on_cron(0 6 * * *, Europe/Paris)');
    assert.equal(defineAsset({ key: 'c', automation: and(missing(), not(inProgress())), compute }).automation?.kind, 'and');
    assert.equal(defineAsset({ key: 'd', compute }).automation, null);
  });

  test('an automation condition that is not a condition is a load error naming the asset', () => {
    assert.throws(() => defineAsset({ key: 'a', automation: 'eager' as never, compute }), (e: { code: string; message: string; details: Record<string, unknown> }) => {
      assert.equal(e.code, 'INVALID_DEFINITION');
      assert.match(e.message, /^asset "a": automation must be an automation condition/);
      assert.deepEqual([e.details.asset, e.details.field], ['a', 'automation']);
      return true;
    });
    assert.throws(() => defineAsset({ key: 'a', automation: { kind: 'sometimes', label: null } as never, compute }), { code: 'INVALID_DEFINITION' });
  });

  test('a bad cron or timezone in a condition is a load error naming the asset', () => {
    assert.throws(() => defineAsset({ key: 'a', automation: onCron('61 * * * *'), compute }), (e: { code: string; message: string }) => e.code === 'INVALID_CRON' && e.message.startsWith('asset "a": automation:'));
    assert.throws(() => defineAsset({ key: 'a', automation: onCron('0 * * * *', 'Mars/Base'), compute }), { code: 'INVALID_TIMEZONE' });
  });

  test('defineDefinitions adds default_automation_condition_sensor, RUNNING every 30 s, when an asset has a condition, and only then', () => {
    const withCondition = defineDefinitions({ assets: [defineAsset({ key: 'a', automation: onMissing(), compute }), defineAsset({ key: 'b', compute })] });
    const sensor = withCondition.sensors.find((s) => s.name === 'default_automation_condition_sensor');
    assert.deepEqual([sensor?.kind, sensor?.defaultStatus, sensor?.minimumIntervalSeconds, sensor?.assetKeys], ['automation_condition', 'RUNNING', 30, ['a']]);
    assert.deepEqual(defineDefinitions({ assets: [defineAsset({ key: 'b', compute })] }).sensors, []);
  });

  test('a sensor of your own named default_automation_condition_sensor beside a condition is a duplicate name', () => {
    assert.throws(
      () =>
        defineDefinitions({
          assets: [defineAsset({ key: 'a', automation: eager(), compute })],
          sensors: [defineSensor({ name: 'default_automation_condition_sensor', evaluate: () => ({}) })],
        }),
      { code: 'DUPLICATE_AUTOMATION_NAME' },
    );
  });
});
