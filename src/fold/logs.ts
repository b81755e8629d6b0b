/** The log index: every line user code logged, per run, in ledger order. */
import { z } from 'zod';
import { defineFamily, IGNORE } from './family.js';
import { sequenceId } from './materializations.js';

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

export const logsFamily = defineFamily<LogLine>({
  table: 'logs',
  schema: logLineSchema,
  columns: (l) => ({ run_id: l.runId, task_key: l.taskKey, sequence: l.sequence, level: l.level, logged_at: l.loggedAt }),
  handlers: {
    RunRequested: IGNORE,
    RunStarted: IGNORE,
    RunCancelRequested: IGNORE,
    RunFinished: IGNORE,
    TaskDispatched: IGNORE,
    TaskAttemptStarted: IGNORE,
    TaskAttemptFinished: IGNORE,
    TaskSkipped: IGNORE,
    TaskCanceled: IGNORE,
    AssetMaterialized: IGNORE,
    TaskLogged: {
      ids: (e) => [sequenceId(e.sequence)],
      apply: (_row, e) => ({
        sequence: e.sequence,
        runId: e.payload.runId,
        taskKey: e.payload.taskKey,
        attempt: e.payload.attempt,
        level: e.payload.level,
        message: e.payload.message,
        loggedAt: e.payload.loggedAt,
      }),
    },
  },
});
