/**
 * `GET /api/v1/instance` (`arco instance info`): what an operator checks first on a deployment —
 * the store, the version, the instance settings in force, which daemon leads (and with which
 * fencing token), which stand by, and how long ago each was last heard from (Dagster's daemon
 * liveness), and the remote workers (`arco worker`) with their heartbeats and slots.
 */
import { z } from 'zod';
import { isWorkerAlive } from '../domain/runs/index.js';
import { LEADER_LEASE, arcoVersion } from '../runtime/index.js';
import type { DaemonHeartbeat } from '../store/index.js';
import { defineOperation, type OperationContext } from './operation.js';

/** Daemons not heard from for this long are left out: they stopped long ago and would only clutter. */
const DAEMONS_LISTED_WITHIN_MS = 24 * 3_600_000;

const daemonSchema = z
  .object({
    daemonId: z.string(),
    host: z.string(),
    pid: z.number(),
    role: z.enum(['leader', 'standby']).describe('as the daemon last recorded it'),
    startedAt: z.string(),
    lastHeartbeatAt: z.string(),
    heartbeatAgeMs: z.number(),
    fencingToken: z.number().nullable(),
    loops: z
      .array(z.object({ loop: z.string(), lastRanAt: z.string(), ageMs: z.number() }))
      .describe('when each loop last completed (iteration, automation, coordinator, backfills, monitoring, retries, freshness, retention); a leader only runs the others'),
  })
  .describe('DaemonStatus');

const workerSchema = z
  .object({
    workerId: z.string(),
    host: z.string(),
    pid: z.number(),
    slots: z.number(),
    busySlots: z.number().describe('attempts dispatched to it and not yet recorded as finished'),
    registeredAt: z.string(),
    lastHeartbeatAt: z.string(),
    heartbeatAgeMs: z.number(),
    heartbeatTimeoutMs: z.number(),
    alive: z.boolean().describe('heard from within its heartbeat timeout; a lost worker is forgotten by the leader once its attempts end WORKER_LOST'),
  })
  .describe('WorkerStatus');

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

function daemonStatus(h: DaemonHeartbeat, nowEpochMs: number): z.output<typeof daemonSchema> {
  return {
    daemonId: h.daemonId,
    host: h.host,
    pid: h.pid,
    role: h.role,
    startedAt: iso(h.startedAtEpochMs),
    lastHeartbeatAt: iso(h.seenAtEpochMs),
    heartbeatAgeMs: Math.max(0, nowEpochMs - h.seenAtEpochMs),
    fencingToken: h.fencingToken,
    loops: Object.entries(h.loops)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([loop, at]) => ({ loop, lastRanAt: iso(at), ageMs: Math.max(0, nowEpochMs - at) })),
  };
}

/** A leader heard from within this long counts as alive (`/healthz`). */
export const LEADER_SILENT_AFTER_MS = 30_000;

/**
 * What `/healthz` answers: healthy when a daemon leads the store and was heard from lately, and its
 * coordinator loop ran lately; otherwise the problems, for a load balancer or an alert to act on.
 */
export async function instanceHealth(ctx: OperationContext, nowEpochMs: number): Promise<{ healthy: boolean; problems: string[]; leader: string | null }> {
  const [lease, heartbeats] = await Promise.all([ctx.store.leases.readLease(LEADER_LEASE), ctx.store.daemons.listDaemonHeartbeats(nowEpochMs - DAEMONS_LISTED_WITHIN_MS)]);
  const problems: string[] = [];
  const leader = lease && lease.expiresAtEpochMs > nowEpochMs ? heartbeats.find((h) => h.daemonId === lease.holder) : undefined;
  if (!lease || lease.expiresAtEpochMs <= nowEpochMs) problems.push('no daemon holds the leader lease: nothing runs schedules, sensors or the run queue');
  else if (!leader || nowEpochMs - leader.seenAtEpochMs > LEADER_SILENT_AFTER_MS) problems.push(`the leader ${lease.holder} has not recorded a heartbeat for over ${LEADER_SILENT_AFTER_MS / 1000} s`);
  else {
    const coordinator = leader.loops['coordinator'];
    if (coordinator === undefined || nowEpochMs - coordinator > LEADER_SILENT_AFTER_MS) problems.push(`the leader's run coordinator has not completed a pass for over ${LEADER_SILENT_AFTER_MS / 1000} s`);
  }
  return { healthy: problems.length === 0, problems, leader: lease?.holder ?? null };
}

/** Remote workers as the worker protocol records them; a daemon's own worker processes are part of it. */
async function listWorkers(ctx: OperationContext, nowEpochMs: number): Promise<z.output<typeof workerSchema>[]> {
  const [workers, dispatches] = await Promise.all([ctx.store.workers.listWorkers(), ctx.store.workers.listDispatches()]);
  return workers.map((w) => ({
    workerId: w.workerId,
    host: w.host,
    pid: w.pid,
    slots: w.slots,
    busySlots: dispatches.filter((d) => d.workerId === w.workerId).length,
    registeredAt: iso(w.registeredAtEpochMs),
    lastHeartbeatAt: iso(w.seenAtEpochMs),
    heartbeatAgeMs: Math.max(0, nowEpochMs - w.seenAtEpochMs),
    heartbeatTimeoutMs: w.heartbeatTimeoutMs,
    alive: isWorkerAlive(w, nowEpochMs),
  }));
}

export const getInstanceOp = defineOperation({
  name: 'getInstance',
  summary: 'Show the store, version, instance settings, the leading and standby daemons with their heartbeats, and workers',
  group: 'system',
  method: 'GET',
  path: '/api/v1/instance',
  output: z.object({
    version: z.string(),
    store: z.object({ engine: z.enum(['sqlite', 'postgres']), location: z.string().nullable().describe('file path, or URL without its password') }),
    settings: z.unknown().describe('the instance settings in force (defineDefinitions({ instance }), defaults applied)'),
    leader: z
      .object({ daemonId: z.string(), fencingToken: z.number(), leaseExpiresAt: z.string(), leaseExpired: z.boolean() })
      .nullable()
      .describe('the holder of the leader lease; null when no daemon ever led this store'),
    daemons: z.array(daemonSchema).describe('most recently heard from first'),
    workers: z.array(workerSchema).describe('remote workers (arco worker), most recently heard from first'),
  }),
  idempotent: true,
  role: 'viewer',
  async handler(ctx) {
    const runtime = await ctx.runtime();
    const now = runtime.clock.now();
    const [lease, heartbeats, workers] = await Promise.all([
      ctx.store.leases.readLease(LEADER_LEASE),
      ctx.store.daemons.listDaemonHeartbeats(now - DAEMONS_LISTED_WITHIN_MS),
      listWorkers(ctx, now),
    ]);
    return {
      version: arcoVersion(),
      store: { engine: ctx.store.engine, location: ctx.storeTarget ?? null },
      settings: runtime.definitions.definitions.instance,
      leader: lease
        ? { daemonId: lease.holder, fencingToken: lease.fencingToken, leaseExpiresAt: iso(lease.expiresAtEpochMs), leaseExpired: lease.expiresAtEpochMs <= now }
        : null,
      daemons: heartbeats.map((h) => daemonStatus(h, now)),
      workers,
    };
  },
});
