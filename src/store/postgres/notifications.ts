/**
 * PostgreSQL's carrier of store signals (../signals.ts). One connection of its own, outside the
 * pool, LISTENs on the schema's channel from the first wait or listener on. The statements that
 * record a dispatch or store a finished report call pg_notify themselves, so a signal is sent when,
 * and only if, their write commits, and costs no statement of its own.
 *
 * A lost connection is opened again at the next wait, at most once per RECONNECT_MS; meanwhile
 * waits end at their timeouts, as they would on SQLite across processes.
 */
import pg from 'pg';
import { z } from 'zod';
import type { WorkerDispatch } from '../contract.js';
import { parseStoredJson } from '../docs.js';
import type { SignalHub, StoreSignal } from '../signals.js';
import { withDefaultUser } from './connection.js';

const RECONNECT_MS = 1_000;
const CONNECT_TIMEOUT_MS = 10_000;

/** The channel of one schema: stores in other schemas of the same database do not wake each other. */
export function signalChannel(schemaHash: number): string {
  return `arco_workers_${(schemaHash >>> 0).toString(16)}`;
}

export const DISPATCHED_PREFIX = 'd:';
export const FINISHED_PAYLOAD = 'f';
export const TOKENS_PAYLOAD = 't';

export class PostgresNotifications {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private failedAt = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    readonly channel: string,
    readonly hub: SignalHub,
  ) {}

  /** True while the LISTEN connection is up: a signal sent from now on arrives. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Listening once it resolves, unless the database could not be reached (then waits time out). */
  async listen(): Promise<void> {
    if (this.closed || this.client !== undefined) return;
    if (this.connecting === undefined && performance.now() - this.failedAt < RECONNECT_MS) return;
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    await this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: withDefaultUser(this.connectionString), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.deliver(message.payload);
    });
    try {
      await client.connect();
      // The channel is made of letters, digits and _ (signalChannel): safe as an identifier.
      await client.query(`LISTEN ${this.channel}`);
    } catch {
      this.failedAt = performance.now();
      await client.end().catch(() => undefined);
      return;
    }
    if (this.closed) await client.end().catch(() => undefined);
    else this.client = client;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.failedAt = performance.now();
    client.end().catch(() => undefined);
    this.hub.emit({ kind: 'lost' });
  }

  /** A payload of another form (another version's) wakes nobody: the waits still time out. */
  private deliver(payload: string | undefined): void {
    if (payload === FINISHED_PAYLOAD) this.hub.emit({ kind: 'finished' });
    else if (payload === TOKENS_PAYLOAD) this.hub.emit({ kind: 'tokens' });
    else if (payload?.startsWith(DISPATCHED_PREFIX)) this.hub.emit(dispatchedSignal(payload.slice(DISPATCHED_PREFIX.length)));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.hub.close();
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/** A claimed row as a dispatch signal carries it (PostgresWorkers.addDispatches: the row's columns as json). */
const signalRowSchema = z.object({
  attemptId: z.string(),
  workerId: z.string(),
  runId: z.string(),
  taskKey: z.string(),
  envelope: z.string(),
  state: z.literal('claimed'),
  tokenSha256: z.string(),
  result: z.null(),
  dispatchedAtEpochMs: z.number(),
});

/**
 * `{worker id}`, or `{worker id}\n{json array of the rows claimed for its waiting claim}`. Rows
 * that cannot be read are left out of the signal, which still wakes the claim: it then reads them
 * from the table (claimDispatches), where a row that cannot be read is reported.
 */
export function dispatchedSignal(body: string): StoreSignal {
  const newline = body.indexOf('\n');
  if (newline < 0) return { kind: 'dispatched', workerId: body };
  const workerId = body.slice(0, newline);
  const rows = z.array(signalRowSchema).safeParse(parseStoredJson(body.slice(newline + 1)));
  if (!rows.success) return { kind: 'dispatched', workerId };
  const claimed: WorkerDispatch[] = rows.data.map((r) => ({ ...r, envelope: parseStoredJson(r.envelope) }));
  return { kind: 'dispatched', workerId, claimed };
}
