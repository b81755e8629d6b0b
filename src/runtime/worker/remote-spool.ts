/**
 * What a remote worker keeps on disk so that a restarted worker can still deliver results its
 * previous process computed but did not report (docs/worker-protocol.md, "Restarts"). Its worker
 * processes spool each finished result (result-spool.ts) before reporting it; the agent keeps,
 * beside them under `claims/`, one record per attempt it claimed: the worker id it claimed under,
 * the attempt token (the only proof the API accepts) and its own pid. A record is written before
 * the attempt runs and removed once its report was accepted or refused for good, after the result.
 *
 * Several workers of one project on one host share the folder: a record whose process still lives
 * is that process's own and is left alone; one whose process is gone (or is this process's own
 * pid: a restarted container) is a previous worker's.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { forgetResult } from './result-spool.js';

const claimRecordSchema = z.object({ attemptId: z.string().min(1), workerId: z.string().min(1), attemptToken: z.string().regex(/^[0-9a-f]{64}$/), pid: z.number().int().positive() });
export type ClaimRecord = z.infer<typeof claimRecordSchema>;

function claimsDir(spoolDir: string): string {
  return join(spoolDir, 'claims');
}

/** Written whole and renamed into place, so a reader never sees half of one. */
export function recordClaim(spoolDir: string, record: ClaimRecord): void {
  const dir = claimsDir(spoolDir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${record.attemptId}.json`);
  writeFileSync(`${file}.tmp`, JSON.stringify(record));
  renameSync(`${file}.tmp`, file);
}

/** Forgets an attempt: its result first, so a record without a result never hides one. */
export function forgetAttempt(spoolDir: string, attemptId: string): void {
  forgetResult(spoolDir, attemptId);
  rmSync(join(claimsDir(spoolDir), `${attemptId}.json`), { force: true });
}

function isProcessGone(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The claim records left by worker processes that are gone; unreadable ones are named apart. */
export function orphanedClaims(spoolDir: string): { records: ClaimRecord[]; corrupt: string[] } {
  let names: string[];
  try {
    names = readdirSync(claimsDir(spoolDir)).filter((n) => n.endsWith('.json'));
  } catch {
    return { records: [], corrupt: [] };
  }
  const records: ClaimRecord[] = [];
  const corrupt: string[] = [];
  for (const name of names) {
    try {
      const parsed = claimRecordSchema.safeParse(JSON.parse(readFileSync(join(claimsDir(spoolDir), name), 'utf8')));
      if (!parsed.success) corrupt.push(name);
      else if (isProcessGone(parsed.data.pid)) records.push(parsed.data);
    } catch (error) {
      // Removed by its owner between the listing and the read: not an orphan.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') corrupt.push(name);
    }
  }
  return { records, corrupt };
}
