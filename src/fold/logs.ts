/**
 * The log index: per attempt, how many lines user code logged, at which levels, and where they
 * sit in the ledger. The lines themselves are read from the ledger (TaskLogged events, by run),
 * so log text is stored once. A batch of log lines from one attempt updates one index row.
 */
import { z } from 'zod';
import { defineFamily, IGNORE } from './family.js';

export const logIndexSchema = z.object({
  runId: z.string(),
  taskKey: z.string(),
  attempt: z.number().int(),
  lines: z.number().int(),
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

/** Run ids and attempt numbers hold no spaces, so the task key can come last unescaped. */
export const logIndexId = (runId: string, attempt: number, taskKey: string): string => `${runId} ${attempt} ${taskKey}`;

export const logsFamily = defineFamily<LogIndexEntry>({
  table: 'log_index',
  schema: logIndexSchema,
  columns: (l) => ({ run_id: l.runId, lines: l.lines, last_sequence: l.lastSequence }),
  handlers: {
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
      ids: (e) => [logIndexId(e.payload.runId, e.payload.attempt, e.payload.taskKey)],
      apply: (row, e) => {
        const levels = row ? { ...row.levels } : { debug: 0, info: 0, warn: 0, error: 0 };
        levels[e.payload.level] += 1;
        return {
          runId: e.payload.runId,
          taskKey: e.payload.taskKey,
          attempt: e.payload.attempt,
          lines: (row?.lines ?? 0) + 1,
          firstSequence: row?.firstSequence ?? e.sequence,
          lastSequence: e.sequence,
          levels,
        };
      },
    },
  },
});
