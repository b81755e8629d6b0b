/**
 * Dagster's older selection syntax, one comma-separated clause at a time: an asset name with
 * optional traversal marks, where each `+` is ONE level and `*` is every level (`*a`, `++a`, `a+`,
 * `a*`, `*a+`), or `tag:key` / `tag:key=value`. A bare name must exist (UNKNOWN_ASSET when the
 * selection is resolved), as Dagster's CLI errors on it.
 */
import type { AssetSelectionExpr, TraversalDepth } from './expr.js';
import { keysSelection } from './expr.js';
import { END_OF_INPUT, SelectionSyntaxFailure, foundText } from './syntax-error.js';

/** Characters Dagster accepts in a legacy asset name; names that cannot be keys fail at resolve. */
const NAME_CHAR = /[A-Za-z0-9_./\-[\]?]/;
const LEGACY_TAG_PREFIX = 'tag:';
/** A legacy tag key or value holds anything but separators, so a broken current-syntax text is not swallowed. */
const LEGACY_TAG_CHAR = /[^\s"(),=]/;

/**
 * Parses one legacy clause.
 * @param offset 0-based position of `clause` in the full text, for failure columns.
 * @throws SelectionSyntaxFailure at the first character that does not fit.
 */
export function parseLegacyClause(clause: string, offset: number): AssetSelectionExpr {
  const start = clause.length - clause.trimStart().length;
  const body = clause.trim();
  if (body.startsWith(LEGACY_TAG_PREFIX)) return parseLegacyTag(body, offset + start);
  return parseTraversalClause(body, offset + start);
}

function parseTraversalClause(body: string, offset: number): AssetSelectionExpr {
  let i = 0;
  const fail = (expected: readonly string[]): never => {
    throw new SelectionSyntaxFailure({ column: offset + i + 1, expected, found: foundText(body[i]) });
  };
  const upMarks = readMarks(body, i, 'up');
  i += upMarks.length;
  const nameStart = i;
  while (i < body.length && NAME_CHAR.test(body[i] as string)) i += 1;
  if (i === nameStart) {
    fail(upMarks.length === 0 ? ['*', '+', 'an asset key'] : ['+', 'an asset key']);
  }
  const name = body.slice(nameStart, i);
  const downMarks = readMarks(body, i, 'down');
  i += downMarks.length;
  if (i < body.length) fail(downMarks.endsWith('*') ? [',', END_OF_INPUT] : ['+', '*', ',', END_OF_INPUT]);
  const selected = keysSelection([name]);
  const upstream = depthOf(upMarks);
  const downstream = depthOf(downMarks);
  return upstream === 0 && downstream === 0 ? selected : { type: 'traverse', operand: selected, upstream, downstream };
}

/** Leading marks are `*` then `+`s (`*++a`); trailing ones are `+`s then `*` (`a++*`). */
function readMarks(body: string, from: number, side: 'up' | 'down'): string {
  let i = from;
  if (side === 'up' && body[i] === '*') i += 1;
  while (body[i] === '+') i += 1;
  if (side === 'down' && body[i] === '*') i += 1;
  return body.slice(from, i);
}

function depthOf(marks: string): TraversalDepth {
  return marks.includes('*') ? 'all' : marks.length;
}

function parseLegacyTag(body: string, offset: number): AssetSelectionExpr {
  const keyStart = LEGACY_TAG_PREFIX.length;
  const equal = body.indexOf('=', keyStart);
  const keyEnd = equal === -1 ? body.length : equal;
  checkTagPart(body, keyStart, keyEnd, offset, 'a tag key', false);
  if (equal === -1) return { type: 'tag', key: body.slice(keyStart), value: null };
  // As in Dagster, `tag:k=` with nothing after `=` is a syntax error; the empty value is `tag:k=""`
  // in the current syntax.
  checkTagPart(body, equal + 1, body.length, offset, 'a tag value', false);
  return { type: 'tag', key: body.slice(keyStart, equal), value: body.slice(equal + 1) };
}

/** Fails at the first character of `body[from, to)` a legacy tag part cannot hold, or at `from` if empty. */
function checkTagPart(body: string, from: number, to: number, offset: number, expected: string, allowEmpty: boolean): void {
  let bad = from === to && !allowEmpty ? from : -1;
  for (let i = from; i < to && bad === -1; i += 1) {
    if (!LEGACY_TAG_CHAR.test(body[i] as string)) bad = i;
  }
  if (bad !== -1) {
    throw new SelectionSyntaxFailure({ column: offset + bad + 1, expected: [expected], found: foundText(body[bad]) });
  }
}
