/**
 * Starting worker processes (worker-main), and starting them early: before the pool that will use
 * them exists, and before the command that needs them has imported the rest of the runtime. This
 * module imports nothing else of the runtime, so a command can fork its workers first thing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const FROM_SOURCES = import.meta.url.endsWith('.ts');
// worker-main.ts beside the sources, worker-main.js in the compiled build.
const WORKER_MAIN = fileURLToPath(new URL(FROM_SOURCES ? './worker-main.ts' : './worker-main.js', import.meta.url));
/**
 * Beside the sources the worker itself is TypeScript and needs the loader from its first import.
 * The compiled worker registers it only when it loads the definitions: modules imported before
 * that skip the loader's hooks, which halves a worker's start (measured: ~150 ms of imports).
 */
const EXEC_ARGV = FROM_SOURCES ? ['--import', new URL('../loader/register.mjs', import.meta.url).href] : [];

/** `piped`: the pool reads what the worker prints (`onOutput`); else it shares this process's terminal. */
export function forkWorker(definitionsFile: string, piped = false): ChildProcess {
  const output = piped ? 'pipe' : 'inherit';
  return fork(WORKER_MAIN, [definitionsFile], {
    execArgv: EXEC_ARGV,
    stdio: ['ignore', output, output, 'ipc'],
    serialization: 'json',
  });
}

interface EarlyWorker {
  readonly definitionsFile: string;
  readonly child: ChildProcess;
  /** Messages it sent before a pool took it. */
  readonly said: unknown[];
  exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** Stops recording: the pool's own listeners take over. */
  release(): void;
}

/** Worker processes started before their pool (see `startWorkersEarly`), waiting to be taken. */
const earlyWorkers: EarlyWorker[] = [];

/**
 * Starts worker processes for a definitions file now, for a pool created later in this process
 * to take. A worker spends most of its start loading the definitions; started early, that overlaps
 * whatever this process does before its pool exists (loading the same definitions, opening the
 * store, requesting a run): `arco run --wait` starts its workers this way. Returns their pids.
 */
export function startWorkersEarly(definitionsFile: string, count: number): number[] {
  const pids: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const child = forkWorker(definitionsFile);
    const said: unknown[] = [];
    const record = (raw: unknown) => said.push(raw);
    const early: EarlyWorker = {
      definitionsFile,
      child,
      said,
      exited: undefined,
      release: () => {
        child.off('message', record);
        child.off('exit', onExit);
      },
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => (early.exited = { code, signal });
    child.on('message', record);
    child.on('exit', onExit);
    earlyWorkers.push(early);
    if (child.pid !== undefined) pids.push(child.pid);
  }
  return pids;
}

export function takeEarlyWorker(definitionsFile: string): EarlyWorker | undefined {
  const index = earlyWorkers.findIndex((w) => w.definitionsFile === definitionsFile);
  return index === -1 ? undefined : earlyWorkers.splice(index, 1)[0];
}

/** Ends early workers no pool took (the command failed before it needed them). */
export function stopEarlyWorkers(): void {
  for (const early of earlyWorkers.splice(0)) early.child.kill('SIGKILL');
}
