/**
 * Runs one attempt of an asset check behind the same user-code boundary as a materialization
 * (execute.ts). The three outcomes a user sees differ: a result with `passed: false` is a check
 * that FAILED, and its task SUCCEEDED; a compute that throws fails the task (USER_CODE_ERROR, the
 * check's EXECUTION_FAILED); a result of the wrong shape fails it with INVALID_CHECK_RESULT.
 */
import { z } from 'zod';
import type { AssetCheckDefinition } from '../../authoring/index.js';
import type { ErrorInfo } from '../../events/index.js';
import { failedOutcome, raceAbort, sanitizeMetadata, type AttemptResult, type ExecuteHooks } from './execute.js';
import type { DispatchEnvelope } from './protocol.js';

export type CheckAttemptResult = AttemptResult & { readonly check: { passed: boolean; severity: 'WARN' | 'ERROR'; metadata: AttemptResult['metadata'] } | null };

const resultSchema = z.object({
  passed: z.boolean(),
  severity: z.enum(['WARN', 'ERROR']).default('ERROR'),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

function invalidResult(check: AssetCheckDefinition, problem: string): ErrorInfo {
  return {
    code: 'INVALID_CHECK_RESULT',
    message: `asset check "${check.assetKey}#${check.name}" must return { passed: boolean, severity?: 'WARN' | 'ERROR', metadata? }: ${problem}`,
    errorClass: null,
    stack: null,
    retryable: false,
  };
}

export async function executeCheck(check: AssetCheckDefinition, envelope: DispatchEnvelope, hooks: ExecuteHooks): Promise<CheckAttemptResult> {
  const started = hooks.nowMs();
  const elapsed = () => Math.max(0, Math.round(hooks.nowMs() - started));
  const log = {
    debug: (m: string) => hooks.log('debug', String(m)),
    info: (m: string) => hooks.log('info', String(m)),
    warn: (m: string) => hooks.log('warn', String(m)),
    error: (m: string) => hooks.log('error', String(m)),
  };
  let returned: unknown;
  try {
    returned = await raceAbort(hooks.signal, () =>
      check.compute({
        assetKey: envelope.assetKey,
        checkName: check.name,
        runId: envelope.runId,
        attempt: envelope.attempt,
        partitionKey: envelope.partitionKey,
        config: envelope.config,
        log,
        signal: hooks.signal,
      }),
    );
  } catch (error) {
    return { ...failedOutcome(error, hooks), durationMs: elapsed(), dataVersion: null, metadata: {}, check: null };
  }
  const parsed = resultSchema.safeParse(returned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const problem = issue ? `${issue.path.join('.') || 'result'} ${issue.message}` : 'not an object';
    return { outcome: 'FAILED', error: invalidResult(check, problem), durationMs: elapsed(), dataVersion: null, metadata: {}, check: null };
  }
  const metadata = sanitizeMetadata(parsed.data.metadata as AttemptResult['metadata'] | undefined);
  return {
    outcome: 'SUCCEEDED',
    error: null,
    durationMs: elapsed(),
    dataVersion: null,
    metadata,
    check: { passed: parsed.data.passed, severity: parsed.data.severity, metadata },
  };
}
