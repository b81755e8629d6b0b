/**
 * Dynamic partitions sets (SEMANTICS §6): each named set's keys in insertion order. Adding a key
 * that is present, or removing one that is absent, changes nothing. Removal drops the key from the
 * set only; materializations of it stay in their own history.
 */
import { z } from 'zod';
import { defineFamily, IGNORE } from './family.js';

export const dynamicPartitionsSchema = z.object({
  name: z.string(),
  keys: z.array(z.string()),
  updatedAt: z.string(),
});
export type DynamicPartitionsSet = z.infer<typeof dynamicPartitionsSchema>;

export const dynamicPartitionsFamily = defineFamily<DynamicPartitionsSet>({
  table: 'dynamic_partitions',
  schema: dynamicPartitionsSchema,
  columns: (d) => ({ key_count: d.keys.length, updated_at: d.updatedAt }),
  handlers: {
    PoolLimitSet: IGNORE,
    RecordsPurged: IGNORE,
    RunRequested: IGNORE,
    RunStarted: IGNORE,
    RunCancelRequested: IGNORE,
    RunFinished: IGNORE,
    RunKeyConflictRecorded: IGNORE,
    TaskDispatched: IGNORE,
    TaskAttemptStarted: IGNORE,
    TaskAttemptFinished: IGNORE,
    TaskSkipped: IGNORE,
    TaskCanceled: IGNORE,
    TaskLogged: IGNORE,
    AssetMaterialized: IGNORE,
    ScheduleDefinitionSynced: IGNORE,
    ScheduleStateChanged: IGNORE,
    ScheduleTicked: IGNORE,
    SensorDefinitionSynced: IGNORE,
    SensorStateChanged: IGNORE,
    SensorEvaluated: IGNORE,
    DynamicPartitionsChanged: {
      ids: (e) => [e.payload.name],
      apply: (row, e) => {
        const set = row ?? { name: e.payload.name, keys: [], updatedAt: e.at };
        if (e.payload.op === 'add') {
          const present = new Set(set.keys);
          for (const key of e.payload.keys) {
            if (present.has(key)) continue;
            present.add(key);
            set.keys.push(key);
          }
        } else {
          const removed = new Set(e.payload.keys);
          set.keys = set.keys.filter((key) => !removed.has(key));
        }
        set.updatedAt = e.at;
        return set;
      },
    },
    BackfillCreated: IGNORE,
    BackfillStateChanged: IGNORE,
    BackfillChunkPlanned: IGNORE,
    BackfillChunkFinished: IGNORE,
    RunDeleted: IGNORE,
    AssetWiped: IGNORE,
    AssetFreshnessChanged: IGNORE,
    AssetObserved: IGNORE,
    AssetMaterializationReported: IGNORE,
    AutomationConditionEvaluated: IGNORE,
    AssetCheckEvaluated: IGNORE,
  },
});
