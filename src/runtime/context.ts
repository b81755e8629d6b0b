/**
 * What shell code needs to act on the ledger: the store, time, identifiers and the loaded
 * definitions. `commit` is the single place drafts become events: stamp, append, and (on a
 * version conflict) let the caller decide again.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { createUlidFactory, seededRng, type IdSource } from '../domain/ids/index.js';
import { stampEvents, type EventDraft } from '../events/index.js';
import type { AppendResult, LeaderFence, Store, VersionExpectation } from '../store/index.js';
import type { Clock } from './clock.js';
import type { LoadedDefinitions } from './definitions-loader.js';

export interface RuntimeContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly definitions: LoadedDefinitions;
  readonly workspace: string;
  /** Who the writes made through this context are for (an operation's caller); absent for the daemon. */
  readonly actor?: string;
  /**
   * Present in the context a daemon acts through while it leads: every `commit` carries it, so
   * the store refuses the daemon's decisions (LEADER_FENCED) once another daemon took the lease.
   * Absent for users' requests and workers' reports, which are never fenced.
   */
  readonly fence?: LeaderFence;
}

export function createContext(store: Store, clock: Clock, definitions: LoadedDefinitions, seed?: number): RuntimeContext {
  const rng = seededRng(seed ?? randomBytes(4).readUInt32LE(0));
  return { store, clock, ids: { ulid: createUlidFactory(rng) }, definitions, workspace: 'default' };
}

export async function commit(
  ctx: RuntimeContext,
  drafts: readonly EventDraft[],
  nowEpochMs: number,
  expect?: readonly VersionExpectation[],
): Promise<AppendResult> {
  if (drafts.length === 0) return { appended: [], duplicates: [] };
  const events = stampEvents(drafts, { ulid: ctx.ids.ulid, nowEpochMs, workspace: ctx.workspace, ...(ctx.actor === undefined ? {} : { actor: ctx.actor }) });
  return ctx.store.ledger.append(events, { ...(expect ? { expect } : {}), ...(ctx.fence ? { fence: ctx.fence } : {}) });
}

/**
 * `ctx` seen through `fence()`: reads (definitions included, which a hot reload replaces) go to
 * `ctx`, and commits carry the fence the daemon holds at that moment.
 */
export function fencedContext(ctx: RuntimeContext, fence: () => LeaderFence): RuntimeContext {
  return Object.create(ctx, { fence: { get: fence, enumerable: true } }) as RuntimeContext;
}

/** The same context, with the writes made through it recorded as `actor`'s. */
export function actingAs(ctx: RuntimeContext, actor: string | undefined): RuntimeContext {
  // A view, not a copy: the definitions a hot reload replaces are read through to `ctx`.
  return actor === undefined ? ctx : (Object.create(ctx, { actor: { value: actor, enumerable: true } }) as RuntimeContext);
}

/** Identifies this process among daemons sharing a store: `host:pid:random`. */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** True when `ownerId` names a process on this host that no longer exists. */
export function isOwnerDead(ownerId: string): boolean {
  const [host, pidText] = ownerId.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
