/**
 * The benchmark harness. A benchmark states its target up front and returns what it measured; the
 * runner (`bench/run.ts`) prints the results and, with `--record`, writes them into
 * docs/benchmarks.md together with a description of the machine. Speed is only ever judged here,
 * never in a timed unit test.
 */
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

/** Wall and CPU (user + system) time of one run of `fn`, in milliseconds. */
export async function measureMs(fn: () => unknown | Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await fn();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** The middle value (the upper one of the two middles for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
