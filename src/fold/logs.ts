/**
 * The log index: per run, how many lines user code logged (per task and per level), and where
 * they sit in the ledger. The lines themselves are read from the ledger (TaskLogged events, by
 * run), so log text is stored once. A batch of log lines of one run updates one index row.
 */
import { z } from 'zod';
import { defineFamily, IGNORE, removeOnly } from './family.js';

export const logIndexSchema = z.object({
  runId: z.string(),
  lines: z.number().int(),
  /** Lines per task key. */
  linesByTask: z.record(z.string(), z.number().int()),
  firstSequence: z.number().int(),
  lastSequence: z.number().int(),
  levels: z.object({ debug: z.number().int(), info: z.number().int(), warn: z.number().int(), error: z.number().int() }),
});
export type LogIndexEntry = z.infer<typeof logIndexSchema>;

/** One line as readers see it (built from a TaskLogged event). */
export const logLineSchema = z.object({
  sequence: z.number().int(),
  runId: z.string(),
  taskKey: z.string(),
  attempt: z.number().int(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string(),
  loggedAt: z.string(),
});
export type LogLine = z.infer<typeof logLineSchema>;

export const logsFamily = defineFamily<LogIndexEntry>({
  table: 'log_index',
  schema: logIndexSchema,
  columns: (l) => ({ lines: l.lines, last_sequence: l.lastSequence }),
  hot: true,
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
    AssetMaterialized: IGNORE,
    TaskLogged: {
      ids: (e) => [e.payload.runId],
      // Updated in place (see Handler.apply): a run's index row takes every one of its log lines.
      apply: (row, e) => {
        const entry = row ?? {
          runId: e.payload.runId,
          lines: 0,
          linesByTask: {},
          firstSequence: e.sequence,
          lastSequence: e.sequence,
          levels: { debug: 0, info: 0, warn: 0, error: 0 },
        };
        entry.lines += 1;
        entry.linesByTask[e.payload.taskKey] = (entry.linesByTask[e.payload.taskKey] ?? 0) + 1;
        entry.levels[e.payload.level] += 1;
        entry.lastSequence = e.sequence;
        return entry;
      },
    },
    ScheduleDefinitionSynced: IGNORE,
    ScheduleStateChanged: IGNORE,
    ScheduleTicked: IGNORE,
    SensorDefinitionSynced: IGNORE,
    SensorStateChanged: IGNORE,
    SensorEvaluated: IGNORE,
    DynamicPartitionsChanged: IGNORE,
    BackfillCreated: IGNORE,
    BackfillStateChanged: IGNORE,
    BackfillChunkPlanned: IGNORE,
    BackfillChunkFinished: IGNORE,
    // A deleted run's logs are no longer served (the lines stay in the ledger).
    RunDeleted: removeOnly((e) => [{ id: [e.payload.runId] }]),
    AssetWiped: IGNORE,
    AssetFreshnessChanged: IGNORE,
    AssetObserved: IGNORE,
    AssetMaterializationReported: IGNORE,
    AutomationConditionEvaluated: IGNORE,
    AssetCheckEvaluated: IGNORE,
  },
});
