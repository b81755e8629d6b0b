/**
 * Shared fixtures for the parity tests: a tiny repository (test/parity/fixtures/repo) whose matrix
 * passes every rule when the report says its one cited test passed, and helpers to break it one cell
 * at a time.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  MATRIX_COLUMNS,
  parseJunitReport,
  parseMatrix,
  renderTableLine,
  repositoryFacts,
  type MatrixColumn,
  type ParityFacts,
} from '../../src/parity/index.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
export const FIXTURE_ROOT = join(FIXTURES, 'repo');
export const MATRIX_PATH = 'docs/parity/dagster-parity-matrix.md';

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export function fixtureMatrix(): string {
  return readFileSync(join(FIXTURE_ROOT, MATRIX_PATH), 'utf8');
}

/** The fixture repository's facts, with the given report (the passing one by default). */
export function fixtureFacts(reportXml: string = fixtureText('junit-pass.xml')): ParityFacts {
  return repositoryFacts(FIXTURE_ROOT, parseJunitReport(reportXml)).facts;
}

/** The markdown with one cell of one row replaced. */
export function setCell(markdown: string, rowId: string, column: MatrixColumn, value: string): string {
  const row = parseMatrix(markdown).rows.find((candidate) => candidate.id === rowId);
  if (!row) throw new Error(`fixture has no row ${rowId}`);
  const cells = MATRIX_COLUMNS.map((name) => (name === column ? value : row.cells[name]));
  const lines = markdown.split('\n');
  lines[row.line - 1] = renderTableLine(cells);
  return lines.join('\n');
}

/** The 1-based line of a row in the fixture matrix. */
export function lineOf(markdown: string, rowId: string): number {
  const row = parseMatrix(markdown).rows.find((candidate) => candidate.id === rowId);
  if (!row) throw new Error(`fixture has no row ${rowId}`);
  return row.line;
}

/** A writable copy of the fixture repository in a temp dir, with an arco-flow package.json. */
export function copyFixtureRepo(): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'arco-parity-'));
  cpSync(FIXTURE_ROOT, root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'arco-flow', private: true }));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
