/**
 * The result spool: a worker writes an attempt's finished report to a file beside the project
 * (`.arco/results/{attemptId}.json`) before it reports it over IPC, and the daemon removes the file
 * once the report is recorded. A daemon killed between the two (kill -9, a leader paused, a full
 * disk) leaves the file, and the daemon that leads next records it instead of re-running a compute
 * that already finished (the user's effect happened once). The file is written whole and renamed
 * into place, so a reader never sees half of one; it is not fsynced: it outlives the processes, not
 * the machine.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { finishedMessageSchema } from './protocol.js';

/** Where the workers of a project spool their results. */
export function spoolDirOf(definitionsFile: string): string {
  return join(dirname(definitionsFile), '.arco', 'results');
}

export const spooledResultSchema = z.object({ runId: z.string(), taskKey: z.string(), message: finishedMessageSchema });
export type SpooledResult = z.infer<typeof spooledResultSchema>;

export function spoolResult(dir: string, result: SpooledResult): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.message.attemptId}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(result));
  renameSync(`${file}.tmp`, file);
}

export function forgetResult(dir: string, attemptId: string): void {
  rmSync(join(dir, `${attemptId}.json`), { force: true });
}

/** The results in the spool; a file that does not parse is listed as corrupt, never skipped unseen. */
export function readSpool(dir: string): { results: SpooledResult[]; corrupt: string[] } {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return { results: [], corrupt: [] };
  }
  const results: SpooledResult[] = [];
  const corrupt: string[] = [];
  for (const name of names) {
    try {
      const parsed = spooledResultSchema.safeParse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      if (parsed.success) results.push(parsed.data);
      else corrupt.push(name);
    } catch {
      corrupt.push(name);
    }
  }
  return { results, corrupt };
}
