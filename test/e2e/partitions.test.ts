/** Partitioned assets from the command line: keys, mappings, and partitioned runs. */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions, dailyPartitions, hourlyPartitions, staticPartitions, timeWindowMapping } from 'arco-flow';
const hours = hourlyPartitions({ start: '2024-01-01-00:00' });
const days = dailyPartitions({ start: '2024-01-01' });
const hourly = defineAsset({ key: 'events/hourly', partitions: hours, compute: async (ctx) => ({ metadata: { key: ctx.partitionKey } }) });
const daily = defineAsset({ key: 'events/daily', deps: [hourly], partitions: days, compute: async (ctx) => ({
  metadata: { key: ctx.partitionKey, keys: ctx.partitionKeys.join(','), window: ctx.timeWindow ? ctx.timeWindow.start + '/' + ctx.timeWindow.end : null,
    range: ctx.partitionKeyRange ? ctx.partitionKeyRange.start + '...' + ctx.partitionKeyRange.end : null } }) });
const yesterday = defineAsset({ key: 'events/compare', deps: [{ asset: daily, partitionMapping: timeWindowMapping({ startOffset: -1, endOffset: -1 }) }], partitions: days, compute: async () => ({}) });
const regions = defineAsset({ key: 'regions', partitions: staticPartitions(['eu', 'us']), compute: async () => ({}) });
export default defineDefinitions({ assets: [hourly, daily, yesterday, regions] });
`;

type Run = { status: string; tags: Record<string, string>; tasks: { key: string; status: string; partitionKey: string | null; materialization: { metadata: Record<string, string> } | null }[] };

describe('partitions from the command line', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());
  const now = ['--now', '2024-01-04T06:30:00Z'];

  test('arco partitions keys prints the keys of partitions that exist at --now', () => {
    const { status, body } = arcoJson<string[]>(['partitions', 'keys', 'events/daily', '--project', project.dir, ...now]);
    assert.equal(status, 0);
    assert.deepEqual(body, ['2024-01-01', '2024-01-02', '2024-01-03']);
    const hourly = arcoJson<string[]>(['partitions', 'keys', 'events/hourly', '--project', project.dir, ...now]).body;
    assert.equal(hourly.length, 3 * 24 + 6);
    assert.equal(hourly.at(-1), '2024-01-04-05:00');
  });

  test('arco partitions map answers what a partition reads and what it feeds', () => {
    type Mapped = { keys: string[]; requiredButNonexistent: string[] };
    const reads = arcoJson<Mapped>(['partitions', 'map', 'events/daily', 'events/hourly', '2024-01-02', '--project', project.dir, ...now]).body.keys;
    assert.equal(reads.length, 24);
    assert.equal(reads[0], '2024-01-02-00:00');
    const feeds = arcoJson<Mapped>(['partitions', 'map', 'events/hourly', 'events/daily', '2024-01-02-13:00', '--project', project.dir, ...now]).body.keys;
    assert.deepEqual(feeds, ['2024-01-02']);
    const previous = arcoJson<Mapped>(['partitions', 'map', 'events/compare', 'events/daily', '2024-01-03', '--project', project.dir, ...now]).body.keys;
    assert.deepEqual(previous, ['2024-01-02'], 'a (-1, -1) time-window mapping reads the previous day');
  });

  test('arco partitions map --json prints the existing keys beside the required ones that do not exist yet, and exits 0', () => {
    // The day 2024-01-04 reads 24 hours; at --now 06:30 only six of them have ended.
    const { status, body } = arcoJson<{ keys: string[]; requiredButNonexistent: string[] }>(['partitions', 'map', 'events/daily', 'events/hourly', '2024-01-04', '--project', project.dir, ...now]);
    assert.equal(status, 0);
    assert.deepEqual(body.keys, ['2024-01-04-00:00', '2024-01-04-01:00', '2024-01-04-02:00', '2024-01-04-03:00', '2024-01-04-04:00', '2024-01-04-05:00']);
    assert.equal(body.requiredButNonexistent.length, 18);
    assert.equal(body.requiredButNonexistent[0], '2024-01-04-06:00');
  });

  test('arco partitions map takes a range selector of the given asset', () => {
    const { status, body } = arcoJson<{ keys: string[] }>(['partitions', 'map', 'events/hourly', 'events/daily', '2024-01-01-23:00...2024-01-02-01:00', '--project', project.dir, ...now]);
    assert.equal(status, 0);
    assert.deepEqual(body.keys, ['2024-01-01', '2024-01-02']);
  });

  test('arco partitions keys --select prints the keys a selector resolves to', () => {
    const { status, body } = arcoJson<string[]>(['partitions', 'keys', 'events/hourly', '--select', '2024-01-02-22:00...2024-01-03-01:00', '--project', project.dir, ...now]);
    assert.equal(status, 0);
    assert.deepEqual(body, ['2024-01-02-22:00', '2024-01-02-23:00', '2024-01-03-00:00', '2024-01-03-01:00']);
  });

  test('arco partitions map refuses assets with no dependency between them', () => {
    const result = arco(['partitions', 'map', 'regions', 'events/daily', 'eu', '--project', project.dir]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /NOT_A_DEPENDENCY/);
  });

  test('a run for a partition range runs one task per asset partition and hands each its key, keys, range and time window', () => {
    const { status, body } = arcoJson<Run>(['run', '--project', project.dir, '--select', 'events/daily', '--partition', '2024-01-01...2024-01-02', '--wait']);
    assert.equal(status, 0);
    assert.equal(body.status, 'SUCCESS');
    assert.equal(body.tags['arco/asset_partition_range_start'], '2024-01-01');
    assert.equal(body.tags['arco/asset_partition_range_end'], '2024-01-02');
    assert.deepEqual(body.tasks.map((t) => t.key), ['events/daily[2024-01-01]', 'events/daily[2024-01-02]']);
    assert.deepEqual(body.tasks[1]?.materialization?.metadata, {
      key: '2024-01-02',
      keys: '2024-01-01,2024-01-02',
      window: '2024-01-02T00:00:00+00:00/2024-01-03T00:00:00+00:00',
      range: '2024-01-01...2024-01-02',
    });
  });

  test('a run for one partition is tagged arco/partition', () => {
    const { body } = arcoJson<Run>(['run', '--project', project.dir, '--select', 'regions', '--partition', 'eu', '--wait']);
    assert.equal(body.tags['arco/partition'], 'eu');
    assert.deepEqual(body.tasks.map((t) => t.key), ['regions[eu]']);
  });

  test('a partition the asset does not have is UNKNOWN_PARTITION naming it, and nothing runs', () => {
    const result = arco(['run', '--project', project.dir, '--select', 'regions', '--partition', 'apac']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /UNKNOWN_PARTITION: asset "regions": partition "apac" does not exist/);
  });

  test('a partitioned asset without --partition is PARTITION_REQUIRED', () => {
    const result = arco(['run', '--project', project.dir, '--select', 'events/daily']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /PARTITION_REQUIRED/);
  });
});

describe('multi-partition mappings', () => {
  const project = tempProject(`import { defineAsset, defineDefinitions, dailyPartitions, staticPartitions, multiPartitions, multiPartitionMapping, timeWindowMapping, identityMapping } from 'arco-flow';
const byDay = multiPartitions({ date: dailyPartitions({ start: '2024-01-01' }), region: staticPartitions(['eu', 'us']) });
const sales = defineAsset({ key: 'sales', partitions: byDay, compute: async () => ({}) });
const growth = defineAsset({ key: 'growth', partitions: byDay, compute: async () => ({}), deps: [{ asset: sales, partitionMapping: multiPartitionMapping({
  date: { dimension: 'date', mapping: timeWindowMapping({ startOffset: -1 }) },
  region: { dimension: 'region', mapping: identityMapping() },
}) }] });
export default defineDefinitions({ assets: [sales, growth] });
`);
  after(() => project.remove());
  const now = ['--now', '2024-01-05T00:00:00Z'];

  test("a partition reads its dependency through each dimension's own mapping: the day before and the day itself, of its own region", () => {
    type Mapped = { keys: string[]; requiredButNonexistent: string[] };
    const reads = arcoJson<Mapped>(['partitions', 'map', 'growth', 'sales', '2024-01-03|us', '--project', project.dir, ...now]);
    assert.equal(reads.status, 0);
    assert.deepEqual(reads.body.keys, ['2024-01-02|us', '2024-01-03|us']);
    const feeds = arcoJson<Mapped>(['partitions', 'map', 'sales', 'growth', '2024-01-02|eu', '--project', project.dir, ...now]);
    assert.deepEqual(feeds.body.keys, ['2024-01-02|eu', '2024-01-03|eu']);
  });
});

describe('partition definitions that cannot work fail at load', () => {
  test('an identity mapping between a static and a time-window asset names both assets', () => {
    const project = tempProject(`import { defineAsset, defineDefinitions, dailyPartitions, staticPartitions, identityMapping } from 'arco-flow';
const a = defineAsset({ key: 'a', partitions: staticPartitions(['x']), compute: async () => {} });
const b = defineAsset({ key: 'b', deps: [{ asset: a, partitionMapping: identityMapping() }], partitions: dailyPartitions({ start: '2024-01-01' }), compute: async () => {} });
export default defineDefinitions({ assets: [a, b] });
`);
    try {
      const result = arco(['asset', 'list', '--project', project.dir]);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /INVALID_PARTITION_MAPPING: asset "b" depends on "a"/);
    } finally {
      project.remove();
    }
  });
});

describe('dynamic partitions from the command line', () => {
  const project = tempProject(`import { defineAsset, defineDefinitions, dynamicPartitions } from 'arco-flow';
const customers = defineAsset({ key: 'customers', partitions: dynamicPartitions('customers'), compute: async (ctx) => ({ metadata: { customer: ctx.partitionKey } }) });
export default defineDefinitions({ assets: [customers] });
`);
  after(() => project.remove());
  const keys = () => arcoJson<string[]>(['partitions', 'keys', 'customers', '--project', project.dir]).body;

  test('arco partitions add and remove change the set, in insertion order, and a repeat changes nothing', () => {
    assert.deepEqual(arcoJson<{ changed: boolean }>(['partitions', 'add', 'customers', 'acme', 'globex', '--project', project.dir]).body.changed, true);
    assert.deepEqual(keys(), ['acme', 'globex']);
    assert.deepEqual(arcoJson<{ changed: boolean }>(['partitions', 'add', 'customers', 'acme', '--project', project.dir]).body.changed, false);
    const run = arcoJson<Run>(['run', '--project', project.dir, '--select', 'customers', '--partition', 'acme', '--wait']);
    assert.equal(run.body.status, 'SUCCESS');
    arcoJson(['partitions', 'remove', 'customers', 'acme', '--project', project.dir]);
    assert.deepEqual(keys(), ['globex']);
  });

  test('removing a dynamic partition keeps the history of what was materialized for it', () => {
    const rows = arcoJson<{ rows: unknown[][] }>(['sql', "SELECT partition_key FROM system_materializations WHERE asset_key = 'customers'", '--project', project.dir]).body.rows;
    assert.deepEqual(rows, [['acme']]);
    const result = arco(['run', '--project', project.dir, '--select', 'customers', '--partition', 'acme']);
    assert.match(result.stderr, /UNKNOWN_PARTITION/, 'but the removed key can no longer be run');
  });

  test('a key with a forbidden part, or an unknown set, is refused and changes nothing', () => {
    assert.match(arco(['partitions', 'add', 'customers', 'a|b', '--project', project.dir]).stderr, /INVALID_PARTITION_KEY/);
    assert.match(arco(['partitions', 'add', 'suppliers', 'x', '--project', project.dir]).stderr, /UNKNOWN_DYNAMIC_PARTITIONS/);
    assert.deepEqual(keys(), ['globex']);
  });
});
