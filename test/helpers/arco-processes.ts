/** `arco daemon` and `arco worker` as real processes, for tests of several processes on one store. */
import { spawn, type ChildProcess } from 'node:child_process';
import { ARCO_BIN } from './cli.js';

export interface ArcoProcess {
  readonly child: ChildProcess;
  /** The daemon's owner id or the worker's id, as it printed it. */
  readonly id: string;
  readonly output: () => string;
}

/** Where a process runs: this host, or a Linux network namespace of this machine (another "host"). */
export interface Placement {
  readonly namespace?: string;
}

function startArco(args: readonly string[], ready: RegExp, env: Record<string, string> = {}, placement: Placement = {}): Promise<ArcoProcess & { match: RegExpExecArray }> {
  const command = [process.execPath, ARCO_BIN, ...args];
  const [file, ...rest] = placement.namespace ? ['ip', 'netns', 'exec', placement.namespace, ...command] : command;
  const child = spawn(file as string, rest, { env: { ...process.env, NO_COLOR: '1', ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`arco ${args[0]} did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, id: match[1] as string, output: () => output, match });
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`arco ${args[0]} exited with ${code}:\n${output}`));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', onExit);
  });
}

/** `arco daemon` on `db`; resolves once it listens, with its API base URL. */
export async function startArcoDaemon(project: string, db: string, extra: readonly string[] = [], placement: Placement = {}): Promise<ArcoProcess & { url: string }> {
  const started = await startArco(['daemon', '--project', project, '--db', db, '--port', '0', ...extra], /daemon (\S+) is running[\s\S]*API\s+(http:\/\/\S+)\/api\/v1/, {}, placement);
  return { ...started, url: started.match[2] as string };
}

/** `arco worker` against a daemon's API; resolves once it registered. */
export function startArcoWorker(project: string, url: string, token: string, extra: readonly string[] = [], env: Record<string, string> = {}, placement: Placement = {}): Promise<ArcoProcess> {
  return startArco(['worker', '--project', project, '--url', url, '--token', token, ...extra], /worker (rw_\S+) is running/, env, placement);
}

/** `arco worker --db`: a worker that makes the worker protocol's calls on the store itself, with no API. */
export function startArcoDbWorker(project: string, db: string, extra: readonly string[] = []): Promise<ArcoProcess> {
  return startArco(['worker', '--project', project, '--db', db, ...extra], /worker (rw_\S+) is running/);
}
