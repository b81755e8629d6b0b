/** Remote workers and their dispatched attempts on SQLite (operational state, see WorkerStore). */
import type Database from 'better-sqlite3';
import type { CarriedClaim, ClaimStart, RemoteWorkerRecord, RunStore, StoredReport, WorkerDispatch, WorkerStore } from '../contract.js';
import { isWorkerAlive } from '../../domain/runs/index.js';
import { parseStoredJson } from '../docs.js';
import type { DispatchWatch, SignalHub } from '../signals.js';

const WORKER_COLUMNS = `worker_id AS workerId, host, pid, slots, heartbeat_timeout_ms AS heartbeatTimeoutMs,
  registered_at AS registeredAtEpochMs, seen_at AS seenAtEpochMs`;
const DISPATCH_COLUMNS = `attempt_id AS attemptId, worker_id AS workerId, run_id AS runId, task_key AS taskKey, envelope, state,
  token_sha256 AS tokenSha256, result, dispatched_at AS dispatchedAtEpochMs`;

type DispatchRow = Omit<WorkerDispatch, 'envelope' | 'result'> & { envelope: string; result: string | null };

function dispatchOf(row: DispatchRow): WorkerDispatch {
  return { ...row, envelope: parseStoredJson(row.envelope), result: row.result === null ? null : parseStoredJson(row.result) };
}

/**
 * How long a dispatch watch waits before its waiter looks again: a dispatch another process
 * recorded (`arco worker --db` on the same file) sends no signal here.
 */
const DISPATCH_WATCH_MAX_MS = 200;

export class SqliteWorkers implements WorkerStore {
  /** Signals reach only this process: another process's waits end at their timeouts. */
  constructor(
    private readonly db: Database.Database,
    private readonly signals: SignalHub,
    private readonly runs: Pick<RunStore, 'getRun'>,
  ) {}

  async registerWorker(w: RemoteWorkerRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO remote_workers (worker_id, host, pid, slots, heartbeat_timeout_ms, registered_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (worker_id) DO UPDATE SET host = excluded.host, pid = excluded.pid, slots = excluded.slots,
           heartbeat_timeout_ms = excluded.heartbeat_timeout_ms, seen_at = excluded.seen_at`,
      )
      .run(w.workerId, w.host, w.pid, w.slots, w.heartbeatTimeoutMs, w.registeredAtEpochMs, w.seenAtEpochMs);
  }

  async touchWorker(workerId: string, nowEpochMs: number): Promise<boolean> {
    return this.db.prepare('UPDATE remote_workers SET seen_at = MAX(seen_at, ?) WHERE worker_id = ?').run(nowEpochMs, workerId).changes > 0;
  }

  async getWorker(workerId: string): Promise<RemoteWorkerRecord | undefined> {
    return this.db.prepare(`SELECT ${WORKER_COLUMNS} FROM remote_workers WHERE worker_id = ?`).get(workerId) as RemoteWorkerRecord | undefined;
  }

  async listWorkers(): Promise<RemoteWorkerRecord[]> {
    return this.db.prepare(`SELECT ${WORKER_COLUMNS} FROM remote_workers ORDER BY seen_at DESC, worker_id`).all() as RemoteWorkerRecord[];
  }

  async removeWorkers(workerIds: readonly string[]): Promise<void> {
    // A finished report stays: the leader records it, whether or not its worker is still there.
    const dispatches = this.db.prepare("DELETE FROM worker_dispatches WHERE worker_id = ? AND state <> 'finished'");
    const workers = this.db.prepare('DELETE FROM remote_workers WHERE worker_id = ?');
    this.db.transaction(() => {
      for (const id of workerIds) {
        dispatches.run(id);
        workers.run(id);
      }
    })();
  }

  async addDispatches(rows: Parameters<WorkerStore['addDispatches']>[0], forget: readonly string[] = []): Promise<void> {
    const remove = this.db.prepare('DELETE FROM worker_dispatches WHERE attempt_id = ?');
    const insert = this.db.prepare(
      `INSERT INTO worker_dispatches (attempt_id, worker_id, run_id, task_key, envelope, state, token_sha256, result, dispatched_at)
       VALUES (?, ?, ?, ?, ?, 'dispatched', NULL, NULL, ?) ON CONFLICT (attempt_id) DO NOTHING`,
    );
    this.db.transaction(() => {
      for (const id of forget) remove.run(id);
      for (const r of rows) insert.run(r.attemptId, r.workerId, r.runId, r.taskKey, JSON.stringify(r.envelope), r.dispatchedAtEpochMs);
    })();
    for (const workerId of new Set(rows.map((r) => r.workerId))) this.signals.emit({ kind: 'dispatched', workerId });
  }

  /** One IMMEDIATE transaction: SQLite has one writer, so no other claim reads the rows in between. */
  /** This engine ignores waits (beginClaim's `wait`), so no row is ever claimed under `waitedSha256s`. */
  async claimDispatches(workerId: string, tokenSha256s: readonly string[], claimSeq?: number): Promise<WorkerDispatch[]> {
    if (tokenSha256s.length === 0) return [];
    const latest = this.db.prepare('SELECT claim_seq FROM remote_workers WHERE worker_id = ?').pluck();
    return this.db
      .transaction((): WorkerDispatch[] => (claimSeq !== undefined && Number(latest.get(workerId)) !== claimSeq ? [] : this.claimInTransaction(workerId, tokenSha256s)))
      .immediate();
  }

  /** The oldest dispatched rows claimed with the hashes in order; the caller holds the transaction. */
  private claimInTransaction(workerId: string, tokenSha256s: readonly string[]): WorkerDispatch[] {
    if (tokenSha256s.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT ${DISPATCH_COLUMNS} FROM worker_dispatches WHERE worker_id = ? AND state = 'dispatched' ORDER BY dispatched_at, attempt_id LIMIT ?`)
      .all(workerId, tokenSha256s.length) as DispatchRow[];
    const claim = this.db.prepare("UPDATE worker_dispatches SET state = 'claimed', token_sha256 = ? WHERE attempt_id = ? AND state = 'dispatched'");
    return rows.map((row, i) => {
      const hash = tokenSha256s[i] as string;
      claim.run(hash, row.attemptId);
      return dispatchOf({ ...row, state: 'claimed', tokenSha256: hash });
    });
  }

  async beginClaim(workerId: string, claimSeq: number | undefined, running: readonly string[], claim: { readonly tokenSha256s: readonly string[]; readonly nowEpochMs: number }): Promise<ClaimStart | undefined> {
    return this.db.transaction(() => this.beginInTransaction(workerId, claimSeq, running, claim)).immediate();
  }

  /** beginClaim's work; the caller holds the transaction. `except`: an attempt being reported, never unrun. */
  private beginInTransaction(workerId: string, claimSeq: number | undefined, running: readonly string[], claim: { readonly tokenSha256s: readonly string[]; readonly nowEpochMs: number }, except?: string): ClaimStart | undefined {
    const worker = this.db.prepare(`SELECT ${WORKER_COLUMNS} FROM remote_workers WHERE worker_id = ?`).get(workerId) as RemoteWorkerRecord | undefined;
    if (!worker) return undefined;
    const fresh = claimSeq !== undefined && this.db.prepare('UPDATE remote_workers SET claim_seq = ? WHERE worker_id = ? AND claim_seq < ?').run(claimSeq, workerId, claimSeq).changes > 0;
    const held = new Set(running);
    const rows = this.db.prepare('SELECT attempt_id AS attemptId, state FROM worker_dispatches WHERE worker_id = ?').all(workerId) as { attemptId: string; state: string }[];
    const dispatched = rows.filter((r) => r.state === 'dispatched').length;
    const unrun = rows.filter((r) => r.state === 'claimed' && !held.has(r.attemptId) && r.attemptId !== except).length;
    const claims = isWorkerAlive(worker, claim.nowEpochMs) && (claimSeq === undefined || (fresh && unrun === 0)) && dispatched > 0;
    return { worker, fresh, dispatched, unrun, claimed: claims ? this.claimInTransaction(workerId, claim.tokenSha256s) : [] };
  }

  async redeliverDispatches(workerId: string, claimSeq: number, rows: readonly { attemptId: string; fromTokenSha256: string; toTokenSha256: string }[]): Promise<WorkerDispatch[]> {
    const update = this.db.prepare("UPDATE worker_dispatches SET token_sha256 = ? WHERE attempt_id = ? AND worker_id = ? AND state = 'claimed' AND token_sha256 = ?");
    const read = this.db.prepare(`SELECT ${DISPATCH_COLUMNS} FROM worker_dispatches WHERE attempt_id = ?`);
    const latest = this.db.prepare('SELECT claim_seq FROM remote_workers WHERE worker_id = ?').pluck();
    return this.db
      .transaction((): WorkerDispatch[] =>
        Number(latest.get(workerId)) !== claimSeq ? [] : rows.flatMap((r) => {
          if (update.run(r.toTokenSha256, r.attemptId, workerId, r.fromTokenSha256).changes === 0) return [];
          return [dispatchOf(read.get(r.attemptId) as DispatchRow)];
        }),
      )
      .immediate();
  }

  async getDispatch(attemptId: string): Promise<WorkerDispatch | undefined> {
    const row = this.db.prepare(`SELECT ${DISPATCH_COLUMNS} FROM worker_dispatches WHERE attempt_id = ?`).get(attemptId) as DispatchRow | undefined;
    return row ? dispatchOf(row) : undefined;
  }

  async listDispatches(workerId?: string): Promise<WorkerDispatch[]> {
    const rows =
      workerId === undefined
        ? this.db.prepare(`SELECT ${DISPATCH_COLUMNS} FROM worker_dispatches ORDER BY dispatched_at, attempt_id`).all()
        : this.db.prepare(`SELECT ${DISPATCH_COLUMNS} FROM worker_dispatches WHERE worker_id = ? ORDER BY dispatched_at, attempt_id`).all(workerId);
    return (rows as DispatchRow[]).map(dispatchOf);
  }

  async listWorkersAndDispatches(): Promise<{ workers: RemoteWorkerRecord[]; dispatches: WorkerDispatch[] }> {
    return this.db.transaction(() => ({ workers: this.db.prepare(`SELECT ${WORKER_COLUMNS} FROM remote_workers ORDER BY seen_at DESC, worker_id`).all() as RemoteWorkerRecord[], dispatches: (this.db.prepare(`SELECT ${DISPATCH_COLUMNS} FROM worker_dispatches ORDER BY dispatched_at, attempt_id`).all() as DispatchRow[]).map(dispatchOf) }))();
  }

  async hasRemoteWork(): Promise<boolean> {
    return this.db.prepare('SELECT EXISTS (SELECT 1 FROM remote_workers) OR EXISTS (SELECT 1 FROM worker_dispatches) AS found').pluck().get() === 1;
  }

  async finishDispatch(attemptId: string, workerId: string, tokenSha256: string, result: unknown, claim?: CarriedClaim): Promise<StoredReport | undefined> {
    const finish = this.db.prepare(`UPDATE worker_dispatches SET state = 'finished', result = ? WHERE attempt_id = ? AND worker_id = ? AND state = 'claimed' AND token_sha256 = ? RETURNING ${DISPATCH_COLUMNS}`);
    const done = this.db
      .transaction(() => {
        const row = finish.get(JSON.stringify(result), attemptId, workerId, tokenSha256) as DispatchRow | undefined;
        if (row === undefined) return undefined;
        return { row, begun: claim === undefined ? undefined : this.beginInTransaction(workerId, claim.claimSeq, claim.running, claim, attemptId) };
      })
      .immediate();
    if (done === undefined) return undefined;
    this.signals.emit({ kind: 'finished' });
    const stored = { dispatch: dispatchOf(done.row), run: await this.runs.getRun(done.row.runId) };
    return claim === undefined ? stored : { ...stored, claim: done.begun };
  }

  async removeDispatches(attemptIds: readonly string[]): Promise<void> {
    const remove = this.db.prepare('DELETE FROM worker_dispatches WHERE attempt_id = ?');
    this.db.transaction(() => {
      for (const id of attemptIds) remove.run(id);
    })();
  }

  async watchDispatches(workerId: string): Promise<DispatchWatch> {
    const watch = this.signals.watchDispatches(workerId);
    return { wait: (timeoutMs) => watch.wait(Math.min(timeoutMs, DISPATCH_WATCH_MAX_MS)), claimed: () => watch.claimed(), hold: (hashes) => watch.hold(hashes), close: () => watch.close() };
  }

  /** Signals never leave this process here. */
  leadsHere(): void {}

  async onReportStored(listener: () => void): Promise<() => void> {
    return this.signals.listen((signal) => {
      if (signal.kind === 'finished') listener();
    });
  }
}
