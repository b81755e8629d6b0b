/**
 * The benchmark harness. A benchmark states its target up front and returns what it measured; the
 * runner (`bench/run.ts`) prints the results and, with `--record`, writes them into
 * docs/benchmarks.md together with a description of the machine. Speed is only ever judged here,
 * never in a timed unit test.
 */
import { readFileSync } from 'node:fs';

export interface BenchOutcome {
  /** Whether the measured figures meet the stated target. */
  readonly met: boolean;
  /** The figures, with units in the names (`eventsPerSecond`, `elapsedMs`). */
  readonly metrics: Readonly<Record<string, number | string>>;
  /** One sentence a reader understands without the metric names. */
  readonly summary: string;
}

export interface Benchmark {
  /** Stable id, also the heading in docs/benchmarks.md. */
  readonly name: string;
  /** The target in words, e.g. "append+fold throughput >= 0.5 x raw batched insert". */
  readonly target: string;
  readonly run: () => Promise<BenchOutcome>;
}

export function defineBenchmark(benchmark: Benchmark): Benchmark {
  return benchmark;
}

/** Runs `fn` once and returns the elapsed wall time in milliseconds (benchmarks only). */
export async function timeMs(fn: () => unknown | Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * CPU time of the main thread so far, in milliseconds (Linux: the scheduler's nanosecond count
 * for the thread whose id is the process id), or null where that is not readable. Unlike
 * `process.cpuUsage()` it leaves out other threads: V8's helper threads and a store's background
 * checkpointer, which run beside the main thread on another core.
 */
export function mainThreadCpuMs(): number | null {
  try {
    const text = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8');
    return Number(text.split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

export interface Measured {
  readonly wallMs: number;
  /** CPU time (user + system) of the whole process: every thread. */
  readonly cpuMs: number;
  /** CPU time of the main thread alone, or null where it cannot be read. */
  readonly mainThreadCpuMs: number | null;
}

/** Wall time, process CPU time and main-thread CPU time of one run of `fn`, in milliseconds. */
export async function measureMs(fn: () => unknown | Promise<unknown>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const thread = mainThreadCpuMs();
  const started = process.hrtime.bigint();
  await fn();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  const threadAfter = mainThreadCpuMs();
  return { wallMs, cpuMs: (used.user + used.system) / 1000, mainThreadCpuMs: thread === null || threadAfter === null ? null : threadAfter - thread };
}

/** The middle value (the upper one of the two middles for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
