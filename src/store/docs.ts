/**
 * Engine-neutral pieces of projection storage: reading a stored document back with its family's
 * schema, and the line format of the projection hash. Both engines use these, so a ledger folded
 * by either yields the same errors and the same hash.
 */
import { createHash, type Hash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { arcoError } from '../domain/errors/index.js';
import { canonicalJson, copyJsonData } from '../domain/ids/index.js';
import { z } from 'zod';
import { RUN_STATUSES } from '../domain/runs/index.js';
import { tagsSchema } from '../events/index.js';
import type { ProjectionFamily } from '../fold/index.js';
import type { RunHead } from './contract.js';

/** @throws CORRUPT_PROJECTION naming the table and row. */
export function parseDoc<Row>(family: ProjectionFamily<Row>, id: string, doc: string): Row {
  let raw: unknown;
  try {
    raw = JSON.parse(doc);
  } catch {
    raw = undefined;
  }
  const parsed = family.schema.safeParse(raw);
  if (!parsed.success) {
    throw arcoError('CORRUPT_PROJECTION', `projection ${family.table} row "${id}" cannot be read; run "arco admin rebuild"`, {
      table: family.table,
      id,
    });
  }
  return parsed.data;
}

/** The row this process's folder last wrote for a table and id, if `text` is still its text. */
export type KeptRow = (table: string, id: string, text: string) => unknown;

/**
 * Reads stored documents of one family, taking the row this process's folder wrote (a copy, or the
 * frozen row itself for an immutable family) instead of parsing the text when the text is still
 * what it wrote: a daemon reads back the runs it drives after every append, and a copy costs a
 * fraction of parsing and validating 80 KB of JSON for a run of 100 tasks. The first time, the kept row is compared with the schema's reading of the
 * text (deep strict equality); if they differ, every document is parsed as before.
 */
export class KeptRowReader<Row> {
  private agree: boolean | undefined;

  constructor(
    private readonly family: ProjectionFamily<Row>,
    private readonly keptRow: KeptRow,
  ) {}

  /** @throws CORRUPT_PROJECTION naming the table and row (as parseDoc). */
  read(id: string, doc: string): Row {
    const kept = this.agree === false ? undefined : this.keptRow(this.family.table, id, doc);
    if (kept === undefined) return parseDoc(this.family, id, doc);
    if (this.agree === undefined) {
      const parsed = parseDoc(this.family, id, doc);
      this.agree = isDeepStrictEqual(parsed, kept);
      if (!this.agree) return parsed;
    }
    return this.handOut(kept);
  }

  /** True once a kept row was found to read as its text does: one may then stand for a text unsent. */
  get trusted(): boolean {
    return this.agree === true;
  }

  /** A kept row as `read` hands it out. */
  handOut(kept: unknown): Row {
    // An immutable family's kept rows are frozen and never change: they are handed out as they are.
    return (this.family.immutable ? kept : copyJsonData(kept)) as Row;
  }
}

/**
 * The rows this process's folder wrote for a table and id, each with the transaction that wrote
 * it: the last write first, then, while that one may still be uncommitted, the one it replaced.
 */
export type KeptWrite = (table: string, id: string) => readonly { readonly xmin: string; readonly row: unknown }[];

/**
 * The projection hash: sha256 over `#table` headers (in PROJECTION_FAMILIES order) and one line
 * `id<TAB>canonical doc` per row in id order. Feed tables and rows in that order.
 */
export class ProjectionHasher {
  private readonly hash: Hash = createHash('sha256');

  table(name: string): void {
    this.hash.update(`#${name}\n`);
  }

  row(id: string | number, doc: string): void {
    this.hash.update(`${id}\t${canonicalJson(JSON.parse(doc))}\n`);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

const runHeadSchema = z.object({ status: z.enum(RUN_STATUSES), version: z.number().int().positive(), tags: tagsSchema });

/**
 * A run head as both engines select it: the status and version columns and the document's tags as
 * JSON text. @throws CORRUPT_PROJECTION naming the run.
 */
export function parseRunHead(id: string, status: string, version: number, tagsJson: string | null): RunHead {
  let tags: unknown;
  try {
    tags = tagsJson === null ? undefined : JSON.parse(tagsJson);
  } catch {
    tags = undefined;
  }
  const parsed = runHeadSchema.safeParse({ status, version, tags });
  if (!parsed.success) {
    throw arcoError('CORRUPT_PROJECTION', `projection runs row "${id}" cannot be read; run "arco admin rebuild"`, { table: 'runs', id });
  }
  return { runId: id, ...parsed.data };
}

/** Loop times as stored (JSON text); a value that is not a map of numbers reads as no loops. */
export function parseLoops(text: string | null): Record<string, number> {
  try {
    const value: unknown = JSON.parse(text ?? '{}');
    if (typeof value !== 'object' || value === null) return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, number] => typeof e[1] === 'number'));
  } catch {
    return {};
  }
}

/**
 * JSON text of an operational row (a worker dispatch's envelope or result). What it holds is
 * checked by the runtime's schemas; text that is not JSON reads as null, which no schema accepts.
 */
export function parseStoredJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
