/**
 * What a remote worker (remote-agent.ts) keeps of each attempt it holds, and how it paces that
 * attempt's reports to the API.
 */
import type { DispatchEnvelope } from './protocol.js';
import type { WorkerProtocolClient } from './remote-calls.js';

export interface Running {
  readonly envelope: DispatchEnvelope;
  readonly token: string;
  /** The attempt's calls, in order. */
  chain: Promise<void>;
  /** Refused or gone: nothing more is sent. */
  dropped: boolean;
  /**
   * A report was given up when the stop's grace ended: its spooled result and claim record stay for
   * the next worker on this host to deliver.
   */
  undelivered: boolean;
  /** Log lines not sent yet, their characters, and the timer that sends them. */
  logs: RemoteLogLine[];
  logChars: number;
  logTimer: NodeJS.Timeout | undefined;
  /** Sends the started report, unless the attempt ends first (see STARTED_REPORT_DELAY_MS). */
  startTimer: NodeJS.Timeout | undefined;
}

export type RemoteLogLine = Parameters<WorkerProtocolClient['reportAttemptLogs']>[0]['lines'][number];

/**
 * Log lines are sent in batches: a call once a batch holds LOG_BATCH_LINES lines or LOG_BATCH_CHARS
 * characters (the API takes at most 500 lines and 1 MiB a call), else LOG_FLUSH_MS after its first
 * line, so lines still reach the run about as they are printed; and always before the finished
 * report, which must come after them.
 */
export const LOG_BATCH_LINES = 200;
export const LOG_BATCH_CHARS = 131_072;
export const LOG_FLUSH_MS = 200;
/** The API refuses a longer line, and with it the attempt's later reports: a longer one is cut. */
export const LOG_LINE_CHARS_MAX = 65_536;

/**
 * The started report waits this long: an attempt that ends sooner is reported by its finished
 * report alone, and the control plane records its start with its end. For short tasks that is one
 * call and one append per attempt fewer, and the append it saves was made by whichever daemon
 * answered, beside the leader's own appends to the same run, which then had to be decided again.
 * Log lines sent before the end still go after a started report.
 */
export const STARTED_REPORT_DELAY_MS = 250;

/**
 * A claim names at most this many held attempts (the API's bound). Naming fewer than it holds would
 * have its others re-delivered and run twice, so past it the worker claims nothing until reports drain.
 */
export const RUNNING_ATTEMPTS_MAX = 1_000;
