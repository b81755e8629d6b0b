/**
 * The read-only SQL surface on SQLite. Queries never run on the store's own connection: they run
 * one at a time in a sandbox process (sql-sandbox.mjs, where the boundary is described) on a
 * read-only connection to the same file. This side keeps time: a query still running at its
 * deadline is stopped by killing that process (SQL_TIMEOUT), so neither an endless query nor a
 * huge answer can stall or crash the daemon, and the next query starts a new process.
 *
 * An in-memory store (tests) has no file another process could open: each query sends a snapshot
 * of its pages instead.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { arcoError } from '../../domain/errors/index.js';
import type { SqlLimits, SqlResult, SystemSqlStore } from '../contract.js';
import { asSubqueryBody, refuseNonQuery, sqlLimits, sqlResultTooLarge, sqlTimeout } from '../system-sql.js';

const SANDBOX = fileURLToPath(new URL('./sql-sandbox.mjs', import.meta.url));
/** A sandbox process that has not said it is ready by then is given up (SQL_ERROR). */
const START_TIMEOUT_MS = 15_000;
/** The sandbox's JavaScript heap: rows are checked against the byte limit as they are read. */
const SANDBOX_HEAP_MB = 256;

type SandboxAnswer =
  | { readonly id: number; readonly ok: true; readonly columns: string[]; readonly rows: unknown[][]; readonly truncated: boolean }
  | { readonly id: number; readonly ok: false; readonly code: string; readonly message: string };

interface Sandbox {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
}

export class SqliteSystemSql implements SystemSqlStore {
  private sandbox: Sandbox | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly db: Database.Database,
    private readonly path: string,
  ) {}

  async querySystem(sql: string, maxRows: number, limits?: Partial<SqlLimits>): Promise<SqlResult> {
    refuseNonQuery(sql);
    const resolved = sqlLimits(limits);
    // One query at a time per store: each waits for the one before, then gets its full time.
    const result = this.queue.then(() => this.ask(sql, Math.max(0, Math.floor(maxRows)), resolved));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Ends the sandbox process (the store is closing). */
  close(): void {
    this.closed = true;
    this.stop();
  }

  private async ask(sql: string, maxRows: number, limits: SqlLimits): Promise<SqlResult> {
    if (this.closed) throw arcoError('STORE_UNAVAILABLE', 'the store is closed');
    const sandbox = this.start();
    await sandbox.ready;
    const id = this.nextId++;
    const source = this.path === ':memory:' ? { snapshot: this.db.serialize() } : { path: this.path };
    const answer = await new Promise<SandboxAnswer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stop();
        reject(sqlTimeout(sql, limits.timeoutMs));
      }, limits.timeoutMs);
      const onMessage = (message: SandboxAnswer) => {
        if (message.id !== id) return;
        done();
        resolve(message);
      };
      const onExit = () => {
        done();
        reject(arcoError('SQL_ERROR', 'the query ended its sandbox process (out of memory?); narrow it (WHERE, LIMIT)', { sql }));
      };
      const done = () => {
        clearTimeout(timer);
        sandbox.child.off('message', onMessage);
        sandbox.child.off('exit', onExit);
        sandbox.child.unref();
      };
      // Held while a query is out, so a caller awaiting it does not see the process run out of work.
      sandbox.child.ref();
      sandbox.child.on('message', onMessage);
      sandbox.child.once('exit', onExit);
      sandbox.child.send({ id, source, body: asSubqueryBody(sql), maxRows, maxBytes: limits.maxBytes, timeoutMs: limits.timeoutMs });
    });
    if (answer.ok) return { columns: answer.columns, rows: answer.rows.map((row) => row.map(asBuffer)), truncated: answer.truncated };
    if (answer.code === 'SQL_RESULT_TOO_LARGE') throw sqlResultTooLarge(sql, limits.maxBytes);
    throw arcoError(answer.code === 'SQL_REFUSED' ? 'SQL_REFUSED' : 'SQL_ERROR', answer.message, { sql });
  }

  private start(): Sandbox {
    if (this.sandbox !== null && this.sandbox.child.exitCode === null && this.sandbox.child.signalCode === null) return this.sandbox;
    const child = fork(SANDBOX, [], {
      // Plain node: the sandbox is JavaScript and must not inherit a TypeScript loader or inspector.
      execArgv: [`--max-old-space-size=${SANDBOX_HEAP_MB}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no answer within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(arcoError('SQL_ERROR', `the SQL sandbox could not start: ${error.message}`));
      };
      child.once('error', fail);
      child.once('exit', (code, signal) => fail(new Error(`it exited (${signal ?? code})`)));
      child.once('message', () => {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.removeAllListeners('error');
        // A later failure shows as the exit of the query in flight.
        child.on('error', () => undefined);
        resolve();
      });
    });
    // The daemon's process must be able to exit with the sandbox idle.
    child.unref();
    child.channel?.unref();
    this.sandbox = { child, ready };
    return this.sandbox;
  }

  private stop(): void {
    this.sandbox?.child.kill('SIGKILL');
    this.sandbox = null;
  }
}

/** Blobs cross the process boundary as plain byte arrays; they come back as Buffers, as better-sqlite3 returns them. */
function asBuffer(value: unknown): unknown {
  return value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value;
}
