/**
 * The evidence cell formats (docs/parity/conventions.md, "Evidence"). A cell holds zero or more items
 * separated by `<br>`; an empty cell or `—` holds none. Backticks around an item or a part of it are
 * decoration and are stripped.
 *
 *   Evidence (Code)   `src/fold/runs.ts` or `src/fold/runs.ts:foldRun` or `…:RunProjection.apply`
 *   Evidence (Tests)  `test/fold/runs.test.ts` › `runs` › `skips downstream tasks when …`
 *   Evidence (CI)     `npm test`
 */

/** A code citation: a repository-relative path, optionally with a symbol declared in that file. */
export interface CodeEvidence {
  readonly raw: string;
  readonly path: string;
  /** `name` or `Name.member`; undefined when only the path is cited. */
  readonly symbol?: string;
}

/**
 * A test citation: the test file and the test's title path. `titlePath` ends with the test's own
 * title; any earlier entries are its enclosing `describe` (or parent test) titles, outermost first.
 */
export interface TestEvidence {
  readonly raw: string;
  readonly file: string;
  readonly titlePath: readonly string[];
}

/** A cell item that does not follow its format, with the reason. */
export interface MalformedEvidence {
  readonly raw: string;
  readonly reason: string;
}

export type Parsed<T> = { readonly items: readonly T[]; readonly malformed: readonly MalformedEvidence[] };

const ITEM_SEPARATOR = /<br\s*\/?>/i;
const NONE_MARKERS = new Set(['', '—', '-']);
const SYMBOL = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)?$/;
/** Separates the file from the title path and the titles from each other. */
export const TITLE_SEPARATOR = '›';

/** Splits a cell into its items; `—`, `-` and an empty cell hold none. */
export function splitEvidenceItems(cell: string): string[] {
  const trimmed = cell.trim();
  if (NONE_MARKERS.has(trimmed)) return [];
  return trimmed
    .split(ITEM_SEPARATOR)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** Removes one pair of backticks (or a stray one at either end) from a trimmed part. */
export function stripTicks(part: string): string {
  let value = part.trim();
  if (value.startsWith('`')) value = value.slice(1);
  if (value.endsWith('`')) value = value.slice(0, -1);
  return value.trim();
}

/** Why a path cannot be cited, or undefined when it can. Paths are relative to the repository root. */
export function pathProblem(path: string): string | undefined {
  if (path.length === 0) return 'the path is empty';
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return 'the path must be relative to the repository root';
  if (path.split(/[\\/]/).includes('..')) return 'the path must not leave the repository (`..`)';
  if (path.includes('\\')) return 'the path must use `/` separators';
  return undefined;
}

export function parseCodeEvidence(cell: string): Parsed<CodeEvidence> {
  const items: CodeEvidence[] = [];
  const malformed: MalformedEvidence[] = [];
  for (const raw of splitEvidenceItems(cell)) {
    const value = stripTicks(raw);
    const colon = value.lastIndexOf(':');
    const path = colon === -1 ? value : value.slice(0, colon);
    const symbol = colon === -1 ? undefined : value.slice(colon + 1);
    const badPath = pathProblem(path);
    if (badPath) malformed.push({ raw, reason: badPath });
    else if (symbol !== undefined && !SYMBOL.test(symbol))
      malformed.push({ raw, reason: `"${symbol}" is not a symbol (use \`name\` or \`Name.member\`)` });
    else items.push(symbol === undefined ? { raw, path } : { raw, path, symbol });
  }
  return { items, malformed };
}

/**
 * Tests live in `*.test.ts` files; a suite shared by several of them (the Store conformance suite,
 * run once per engine) lives in a plain `.ts` module beside them, and its titles are cited there.
 */
function isTestSource(file: string): boolean {
  if (!file.startsWith('test/') || !file.endsWith('.ts')) return false;
  return !/^test\/(.*\/)?(helpers|fixtures)\//.test(file);
}

export function parseTestEvidence(cell: string): Parsed<TestEvidence> {
  const items: TestEvidence[] = [];
  const malformed: MalformedEvidence[] = [];
  for (const raw of splitEvidenceItems(cell)) {
    const parts = raw.split(TITLE_SEPARATOR).map(stripTicks);
    const [file = '', ...titlePath] = parts;
    const badPath = pathProblem(file);
    if (badPath) malformed.push({ raw, reason: badPath });
    else if (!isTestSource(file))
      malformed.push({ raw, reason: 'a test file is a `*.test.ts` file, or a shared suite (`*.ts`) that one runs, under test/ (not helpers/ or fixtures/)' });
    else if (titlePath.length === 0 || titlePath.some((title) => title.length === 0))
      malformed.push({ raw, reason: `name the test after the file: \`file\` ${TITLE_SEPARATOR} \`test title\`` });
    else items.push({ raw, file, titlePath });
  }
  return { items, malformed };
}

export function parseCiEvidence(cell: string): Parsed<string> {
  const items = splitEvidenceItems(cell)
    .map(stripTicks)
    .filter((command) => command.length > 0);
  return { items, malformed: [] };
}
