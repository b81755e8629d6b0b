/**
 * `GET /api/v1/parity`: the Dagster parity matrix this version ships (docs/parity), as rows, so the
 * web UI can show what Arco Flow promises, what it has proven and what is missing. Read from the
 * package's own copy of the matrix, not the project's: it describes the code that is running.
 */
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { arcoError } from '../domain/errors/index.js';
import { MATRIX_SECTIONS, STATUSES, parseMatrix, parseTestEvidence, type MatrixRow } from '../parity/index.js';
import { defineOperation } from './operation.js';

const MATRIX_FILE = fileURLToPath(new URL('../../docs/parity/dagster-parity-matrix.md', import.meta.url));

const paritySectionSchema = z.enum(MATRIX_SECTIONS);
const parityStatusSchema = z.enum(STATUSES);

const parityRowSchema = z
  .object({
    id: z.string(),
    section: z.string(),
    capability: z.string().describe('the statement the row promises'),
    feature: z.string().describe('where Arco Flow offers it'),
    status: z.string(),
    proofLevel: z.string(),
    tests: z.array(z.string()).describe('the CI tests cited as proof, as `file › suite › test`'),
    notes: z.string(),
  })
  .describe('ParityRow');

export type ParityRow = z.output<typeof parityRowSchema>;

function rowOf(row: MatrixRow): ParityRow {
  return {
    id: row.id,
    section: row.section,
    capability: row.capability,
    feature: row.cells['Arco Feature'],
    status: row.cells.Status,
    proofLevel: row.cells['Proof Level Required'],
    tests: parseTestEvidence(row.cells['Evidence (Tests)']).items.map((t) => [t.file, ...t.titlePath].join(' › ')),
    notes: row.cells.Notes,
  };
}

/** The parsed rows, read again only when the file changed (an edit under `arco dev`). */
let cached: { mtimeMs: number; rows: ParityRow[]; problems: number } | undefined;

async function readMatrix(): Promise<{ rows: ParityRow[]; problems: number }> {
  const info = await stat(MATRIX_FILE).catch(() => undefined);
  if (!info) throw arcoError('PARITY_FILE_NOT_FOUND', `this installation has no parity matrix at ${MATRIX_FILE}`, { path: MATRIX_FILE });
  if (cached?.mtimeMs !== info.mtimeMs) {
    const parsed = parseMatrix(await readFile(MATRIX_FILE, 'utf8'));
    cached = { mtimeMs: info.mtimeMs, rows: parsed.rows.map(rowOf), problems: parsed.problems.length };
  }
  return cached;
}

export const getParityMatrixOp = defineOperation({
  name: 'getParityMatrix',
  summary: 'The Dagster parity matrix of this version: each capability with its status and the tests that prove it',
  group: 'instance',
  method: 'GET',
  path: '/api/v1/parity',
  query: z.object({
    status: parityStatusSchema.optional().describe('only rows with this status'),
    section: paritySectionSchema.optional().describe('only rows of this section'),
  }),
  output: z.object({
    rows: z.array(parityRowSchema),
    counts: z.record(z.string(), z.number()).describe('rows per status, over the whole matrix'),
    problems: z.number().describe('lines of the matrix that could not be read as rows (0 in a release: `arco parity check` gates it)'),
  }),
  errors: [404],
  idempotent: true,
  role: 'viewer',
  async handler(_ctx, { status, section }) {
    const { rows, problems } = await readMatrix();
    const counts: Record<string, number> = {};
    for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
    return { rows: rows.filter((r) => (status === undefined || r.status === status) && (section === undefined || r.section === section)), counts, problems };
  },
});
