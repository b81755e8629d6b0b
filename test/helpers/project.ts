/** Temporary projects with real definitions files, stores and daemons for runtime tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTerminalRun } from '../../src/domain/runs/index.js';
import type { RunProjection } from '../../src/fold/index.js';
import { systemClock } from '../../src/runtime/clock.js';
import { createContext, type RuntimeContext } from '../../src/runtime/context.js';
import { Daemon, type DaemonOptions } from '../../src/runtime/daemon.js';
import { loadDefinitions } from '../../src/runtime/definitions-loader.js';
import { openSqliteStore, type Store } from '../../src/store/index.js';

export function tempProject(definitionsSource: string): { dir: string; file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'arco-project-'));
  const file = join(dir, 'definitions.ts');
  writeFileSync(file, definitionsSource);
  return { dir, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Running {
  readonly ctx: RuntimeContext;
  readonly daemon: Daemon;
  readonly store: Store;
  stop(): Promise<void>;
}

export async function startDaemon(file: string, storePath: string, options: DaemonOptions = {}): Promise<Running> {
  const store = openSqliteStore({ path: storePath });
  const ctx = createContext(store, systemClock, await loadDefinitions(file));
  const daemon = new Daemon(ctx, { tickMs: 50, workers: 2, ...options });
  daemon.start();
  return {
    ctx,
    daemon,
    store,
    async stop() {
      await daemon.stop();
      await store.close();
    },
  };
}

/** Polls the store until the run is terminal (or `timeoutMs` passes, which fails the test). */
export async function waitForRun(store: Store, runId: string, timeoutMs = 30_000, until = isTerminal): Promise<RunProjection> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await store.runs.getRun(runId);
    if (run && until(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not reach the expected state in ${timeoutMs} ms (status ${run?.status})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isTerminal(run: RunProjection): boolean {
  return isTerminalRun(run.status);
}

export function task(run: RunProjection, key: string) {
  const found = run.tasks.find((t) => t.taskKey === key);
  if (!found) throw new Error(`no task ${key} in run ${run.runId}`);
  return found;
}
