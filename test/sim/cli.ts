/**
 * `npm run sim -- --seeds N [--from S] [--large]` runs N seeds; `--seed S [--trace]` replays one.
 * Exits non-zero when a seed fails, printing the seed and the command that replays it.
 */
import { describeFailure, LARGE, runSeed, SMALL } from './run-seed.js';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function integer(name: string, fallback: number): number {
  const text = flag(name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} takes a non-negative integer, got "${text}"`);
    process.exit(2);
  }
  return value;
}

const large = process.argv.includes('--large');
const trace = process.argv.includes('--trace');
const options = { ...(large ? LARGE : SMALL), trace };
const one = flag('--seed');
const seeds = one !== undefined ? [integer('--seed', 0)] : Array.from({ length: integer('--seeds', 100) }, (_, i) => integer('--from', 1) + i);

let failed = 0;
const started = process.hrtime.bigint();
for (const seed of seeds) {
  const result = await runSeed(seed, options);
  if (trace) console.log(result.trace.join('\n'));
  if (result.failures.length > 0) {
    failed += 1;
    console.log(describeFailure(result, large));
  } else if (one !== undefined) {
    console.log(`seed ${seed} passed: ${result.events} events, fingerprint ${result.fingerprint}, ${JSON.stringify(result.stats)}`);
  }
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`${seeds.length} seeds, ${failed} failed, ${seconds.toFixed(1)} s`);
process.exit(failed > 0 ? 1 : 0);
