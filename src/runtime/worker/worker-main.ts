/**
 * The worker process: loads the definitions once, then runs one attempt at a time as the parent
 * dispatches them, reporting over IPC. If the parent goes away (it crashed or was killed) the worker
 * exits at once: only its parent can record what it does, so carrying on would be wasted work.
 */
import { loadDefinitions, type LoadedDefinitions } from '../definitions-loader.js';
import { checkKeyOf } from '../../domain/runs/index.js';
import { executeAttempt, userCodeError } from './execute.js';
import { executeCheck } from './execute-check.js';
import { captureOutput, type OutputStream } from './output-capture.js';
import { parentMessageSchema, type WorkerMessage } from './protocol.js';
import { spoolDirOf, spoolResult } from './result-spool.js';

/** Printed lines captured for one attempt at most; past it one line says the rest was left out. */
const OUTPUT_LINES_MAX = 10_000;

const definitionsFile = process.argv[2];
/** Fault tests only: holds a finished report this long after spooling it, so a test can kill the daemon in between. */
const REPORT_DELAY_MS = Number(process.env['ARCO_TEST_REPORT_DELAY_MS'] ?? 0) || 0;
/** A remote worker (`arco worker`) spools its processes' results apart from a daemon's in the same folder. */
const SPOOL_DIR = process.env['ARCO_RESULT_SPOOL_DIR'] || undefined;
let loaded: LoadedDefinitions | undefined;
const aborts = new Map<string, { controller: AbortController; reason?: 'canceled' | 'timeout' }>();

function send(message: WorkerMessage): void {
  // A parent that died leaves nobody to tell: the 'disconnect' handler ends the process, and a send
  // that raced it must not die with an ERR_IPC_CHANNEL_CLOSED stack trace on the way out.
  if (!process.connected) return;
  process.send?.(message, undefined, undefined, (error: Error | null) => {
    if (error) process.exit(0);
  });
}

/** Where printed lines go while an attempt runs (one attempt at a time per worker). */
let onOutput: ((stream: OutputStream, line: string) => void) | undefined;
const output = captureOutput((stream, line) => onOutput?.(stream, line));

process.on('disconnect', () => process.exit(0));
// Ctrl-C in a terminal reaches the whole process group: the parent decides what it means (arco run
// --wait cancels the run and aborts this attempt through its signal), so the worker does not die of it.
process.on('SIGINT', () => {});

process.on('message', (raw) => {
  const parsed = parentMessageSchema.safeParse(raw);
  if (!parsed.success) return;
  const message = parsed.data;
  if (message.type === 'abort') {
    const entry = aborts.get(message.attemptId);
    if (entry) {
      entry.reason = message.reason;
      entry.controller.abort();
    }
    return;
  }
  void run(message.envelope, message.attemptToken, message.sentAtEpochMs);
});

async function run(envelope: import('./protocol.js').DispatchEnvelope, attemptToken: string, sentAtEpochMs: number): Promise<void> {
  // The parent's clock when it sent the attempt, advanced by this process's monotonic time.
  const receivedAtMs = performance.now();
  const loggedAt = () => new Date(sentAtEpochMs + (performance.now() - receivedAtMs)).toISOString();
  const asset = loaded?.assets.get(envelope.assetKey);
  const check = envelope.checkName ? loaded?.checks.get(checkKeyOf(envelope.assetKey, envelope.checkName)) : undefined;
  send({ type: 'started', attemptId: envelope.attemptId, attemptToken });
  if (envelope.checkName && !check) {
    send({
      type: 'finished',
      attemptId: envelope.attemptId,
      attemptToken,
      outcome: 'FAILED',
      error: { code: 'UNKNOWN_ASSET_CHECK', message: `asset check "${envelope.assetKey}#${envelope.checkName}" is not in the worker's definitions`, errorClass: null, stack: null, retryable: false },
      durationMs: 0,
      dataVersion: null,
      metadata: {},
    });
    return;
  }
  if (!asset) {
    send({
      type: 'finished',
      attemptId: envelope.attemptId,
      attemptToken,
      outcome: 'FAILED',
      error: { code: 'UNKNOWN_ASSET', message: `asset "${envelope.assetKey}" is not in the worker's definitions`, errorClass: null, stack: null, retryable: false },
      durationMs: 0,
      dataVersion: null,
      metadata: {},
    });
    return;
  }
  const entry: { controller: AbortController; reason?: 'canceled' | 'timeout' } = { controller: new AbortController() };
  aborts.set(envelope.attemptId, entry);
  let seq = 0;
  const log = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => send({ type: 'log', attemptId: envelope.attemptId, attemptToken, seq: seq++, level, message, loggedAt: loggedAt() });
  let printed = 0;
  onOutput = (stream, line) => {
    printed += 1;
    if (printed <= OUTPUT_LINES_MAX) log(stream === 'stdout' ? 'info' : 'warn', `[${stream}] ${line}`);
    else if (printed === OUTPUT_LINES_MAX + 1) log('warn', `[${stream}] more than ${OUTPUT_LINES_MAX} printed lines; the rest is not kept`);
  };
  const hooks = { log, signal: entry.controller.signal, abortReason: () => entry.reason, nowMs: () => performance.now() };
  const result = check ? await executeCheck(check, envelope, hooks) : await executeAttempt(asset, envelope, hooks);
  output.flush();
  onOutput = undefined;
  aborts.delete(envelope.attemptId);
  const finished = { type: 'finished' as const, attemptId: envelope.attemptId, attemptToken, ...result };
  // Spooled first: if the daemon dies before it records the report, the next leader records it
  // from the spool instead of running the compute again (result-spool.ts).
  try {
    spoolResult(SPOOL_DIR ?? spoolDirOf(definitionsFile as string), { runId: envelope.runId, taskKey: envelope.taskKey, message: finished });
  } catch (error) {
    log('warn', `the result could not be spooled (${String(error)}): if the daemon stops before it records it, the attempt runs again`);
  }
  if (REPORT_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, REPORT_DELAY_MS));
  send(finished);
}

try {
  if (!definitionsFile) throw new Error('worker started without a definitions file');
  loaded = await loadDefinitions(definitionsFile);
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'load_failed', error: userCodeError(error) });
  process.exitCode = 1;
  process.disconnect?.();
}
