/** Running the real `arco` command in a child process. */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ARCO_BIN = fileURLToPath(new URL('../../bin/arco.mjs', import.meta.url));

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function arco(args: readonly string[], options: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}): CliResult {
  const result = spawnSync(process.execPath, [ARCO_BIN, ...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    // ARCO_URL is cleared so that an `arco dev` a developer left running never answers for a test.
    env: { ...process.env, NO_COLOR: '1', ARCO_URL: 'http://127.0.0.1:9', ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `arco` without blocking this process: for commands that talk to a server running in the test
 * process itself (a synchronous spawn would freeze the server it waits for).
 */
export function arcoAsync(args: readonly string[], options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [ARCO_BIN, ...args],
      { encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, env: { ...process.env, NO_COLOR: '1', ARCO_URL: 'http://127.0.0.1:9', ...options.env } },
      (error, stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

export function arcoJson<T = unknown>(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): { status: number | null; body: T; stderr: string } {
  const result = arco([...args, '--json'], options);
  let body: T;
  try {
    body = JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`arco ${args.join(' ')} printed no JSON (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return { status: result.status, body, stderr: result.stderr };
}

/** Starts `arco dev` and resolves with its API base URL once it listens. */
/** `output` is stdout and stderr interleaved as they came; `stdout` is stdout alone. */
export function startDev(args: readonly string[]): Promise<{ child: ChildProcess; url: string; output: () => string; stdout: () => string }> {
  const child = spawn(process.execPath, [ARCO_BIN, 'dev', '--port', '0', ...args], { env: { ...process.env, NO_COLOR: '1' } });
  let output = '';
  let stdout = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`arco dev did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
      const match = /API\s+(http:\/\/[^/\s]+)\/api\/v1/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => output, stdout: () => stdout });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`arco dev exited with ${code}:\n${output}`));
    });
  });
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
