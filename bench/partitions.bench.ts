/**
 * Time-window partitions at scale: a ten-year hourly definition in a DST timezone
 * (America/New_York, about 87,600 keys). Lists every key (median of several runs after a warm-up),
 * then times count, membership and position of keys spread over the ten years, averaged over many
 * calls. Count, membership and position use tick arithmetic and must not depend on the key count.
 */
import { defineBenchmark, timeMs, median } from './harness.js';
import { hourlyPartitions } from '../src/authoring/partitions.js';
import {
  hasPartitionKey,
  partitionCount,
  partitionIndex,
  partitionKeys,
  type PartitionsContext,
} from '../src/domain/partitions/index.js';

const LIST_RUNS = 5;
const LOOKUPS = 1_000;
const LIST_TARGET_MS = 1_000;
const LOOKUP_TARGET_MS = 1;

export default defineBenchmark({
  name: 'partitions',
  target: `10-year hourly definition lists all keys in < ${LIST_TARGET_MS} ms; count/has/index of a key < ${LOOKUP_TARGET_MS} ms`,
  async run() {
    const definition = hourlyPartitions({ start: '2015-01-01-00:00', timezone: 'America/New_York' });
    const ctx: PartitionsContext = { nowEpochMs: Date.parse('2025-01-01T05:00:00Z'), dynamicKeys: () => [] };

    let keys: string[] = [];
    const firstListMs = await timeMs(() => {
      keys = [...partitionKeys(definition, ctx)];
    });
    const listRuns: number[] = [];
    for (let run = 0; run < LIST_RUNS; run += 1) {
      listRuns.push(await timeMs(() => [...partitionKeys(definition, ctx)]));
    }
    const listMs = median(listRuns);

    const probes = Array.from({ length: LOOKUPS }, (_, i) => keys[Math.floor((i * keys.length) / LOOKUPS)] as string);
    let checks = 0;
    const countMs = (await timeMs(() => {
      for (let i = 0; i < LOOKUPS; i += 1) checks += partitionCount(definition, { ...ctx, nowEpochMs: ctx.nowEpochMs - i * 60_000 });
    })) / LOOKUPS;
    const hasMs = (await timeMs(() => {
      for (const key of probes) if (hasPartitionKey(definition, key, ctx)) checks += 1;
    })) / LOOKUPS;
    const indexMs = (await timeMs(() => {
      for (const key of probes) checks += partitionIndex(definition, key, ctx);
    })) / LOOKUPS;
    if (checks <= 0) throw new Error('lookups returned nothing');

    const slowestLookupMs = Math.max(countMs, hasMs, indexMs);
    const met = listMs < LIST_TARGET_MS && slowestLookupMs < LOOKUP_TARGET_MS;
    return {
      met,
      metrics: {
        keyCount: keys.length,
        firstListMs,
        listMs,
        countMs,
        hasMs,
        indexMs,
      },
      summary: `Listing ${keys.length} hourly keys took ${listMs.toFixed(0)} ms (median; first run ${firstListMs.toFixed(0)} ms); count, has and index took ${(countMs * 1000).toFixed(0)}, ${(hasMs * 1000).toFixed(0)} and ${(indexMs * 1000).toFixed(0)} µs per call.`,
    };
  },
});
