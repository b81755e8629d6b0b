/**
 * Runs one seed end to end and says what it found. The fingerprint is a hash of the ledger the
 * seed produced: two runs of one seed must give the same one (the replay is exact).
 */
import { createHash } from 'node:crypto';
import type { StoredEvent } from '../../src/events/index.js';
import { finalViolations, ledgerViolations, readLedger } from './invariants.js';
import { describe, World, type Failure, type WorldOptions } from './world.js';

export interface SeedResult {
  readonly seed: number;
  readonly failures: readonly Failure[];
  /** sha256 of the ledger's events (the one wall-clock measurement, a sensor's duration, left out). */
  readonly fingerprint: string;
  readonly events: number;
  /** Automatic run retries requested (RunRequested with `arco/retry_number`). */
  readonly retries: number;
  readonly stats: World['stats'];
  readonly trace: readonly string[];
}

export const SMALL: WorldOptions = { steps: 16, drainStepsMax: 200, trace: false };
export const LARGE: WorldOptions = { steps: 300, drainStepsMax: 400, trace: false };

export async function runSeed(seed: number, options: WorldOptions = SMALL): Promise<SeedResult> {
  const world = new World(seed, options);
  const failures: Failure[] = [];
  let events: StoredEvent[] = [];
  try {
    await world.run();
    await world.stopDaemons();
    events = await readLedger(world.rawStore);
    failures.push(...world.failures);
    if (failures.length === 0) failures.push(...(await finalViolations(world.rawStore, events, world.clients, world.clock.now())));
    else failures.push(...ledgerViolations(events));
  } catch (error) {
    failures.push({ kind: 'crash', message: `the simulation threw: ${describe(error)}` });
  }
  const hash = createHash('sha256');
  for (const e of events) {
    const payload = e.type === 'SensorEvaluated' ? { ...e.payload, durationMs: 0 } : e.payload;
    hash.update(JSON.stringify([e.sequence, e.type, e.idempotencyKey, e.eventId, e.at, payload]));
  }
  await world.close();
  const retries = events.filter((e) => e.type === 'RunRequested' && e.payload.tags['arco/retry_number'] !== undefined).length;
  return { seed, failures, fingerprint: hash.digest('hex'), events: events.length, retries, stats: world.stats, trace: world.trace };
}

export function replayCommand(seed: number, large: boolean): string {
  return `npm run sim -- --seed ${seed}${large ? ' --large' : ''} --trace`;
}

/** A failing seed as printed: the seed, each failure with its label, and how to replay it. */
export function describeFailure(result: SeedResult, large: boolean): string {
  return [
    `seed ${result.seed} FAILED (${result.events} events, ledger fingerprint ${result.fingerprint.slice(0, 16)}):`,
    ...result.failures.map((f) => `  [${f.kind}] ${f.message}`),
    `  replay: ${replayCommand(result.seed, large)}`,
  ].join('\n');
}
