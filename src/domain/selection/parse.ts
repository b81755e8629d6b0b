/**
 * Parsing a selection text the way Dagster's CLI does: the current syntax first; when that fails,
 * the text is read as comma-separated clauses, each in the current syntax or else in the older
 * one (`*a`, `a+`, bare names), and the clauses are united.
 */
import type { AssetSelectionExpr } from './expr.js';
import { parseLegacyClause } from './legacy.js';
import { parseCurrentSyntax } from './parser.js';
import { SelectionSyntaxFailure, selectionSyntaxError } from './syntax-error.js';

/** A clause made only of characters the legacy syntax uses is reported with the legacy error. */
const LEGACY_LOOKING = /^[A-Za-z0-9_./\-[\]?*+]*$/;

interface Clause {
  readonly text: string;
  /** 0-based offset of the clause in the full text. */
  readonly start: number;
}

/**
 * Parses an asset selection in Dagster's current syntax (`key:raw/* and not tag:pii`), falling back
 * to the older comma-separated syntax (`*a,b+`).
 * @throws SELECTION_SYNTAX_ERROR when neither syntax accepts the text; details `{ text, column,
 *   expected, found }` with a 1-based column. The current syntax's error is reported unless the
 *   failing clause is made only of legacy characters (names, `*`, `+`) or is empty.
 */
export function parseAssetSelection(text: string): AssetSelectionExpr {
  let wholeFailure: SelectionSyntaxFailure;
  try {
    return parseCurrentSyntax(text);
  } catch (error) {
    wholeFailure = asSyntaxFailure(error);
  }
  if (text.trim() === '') throw selectionSyntaxError(text, wholeFailure);
  const clauses = splitClauses(text);
  try {
    if (clauses.length === 1) return parseClause(clauses[0] as Clause, wholeFailure);
    return { type: 'or', operands: clauses.map((clause) => parseClause(clause)) };
  } catch (error) {
    throw selectionSyntaxError(text, foundAtColumn(text, asSyntaxFailure(error)));
  }
}

function parseClause(clause: Clause, knownCurrentFailure?: SelectionSyntaxFailure): AssetSelectionExpr {
  let currentFailure = knownCurrentFailure;
  if (currentFailure === undefined) {
    try {
      return parseCurrentSyntax(clause.text, clause.start);
    } catch (error) {
      currentFailure = asSyntaxFailure(error);
    }
  }
  try {
    return parseLegacyClause(clause.text, clause.start);
  } catch (error) {
    const legacyFailure = asSyntaxFailure(error);
    throw LEGACY_LOOKING.test(clause.text.trim()) ? legacyFailure : currentFailure;
  }
}

/** Splits at commas outside double quotes (Dagster splits at every comma, breaking quoted values). */
function splitClauses(text: string): Clause[] {
  const clauses: Clause[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    if (char === ',' && !quoted) {
      clauses.push({ text: text.slice(start, i), start });
      start = i + 1;
    }
  }
  clauses.push({ text: text.slice(start), start });
  return clauses;
}

/** A clause parsed alone ends where its comma stands; name the comma instead of "end of input". */
function foundAtColumn(text: string, failure: SelectionSyntaxFailure): SelectionSyntaxFailure {
  const { column, found } = failure.info;
  if (found !== null || text[column - 1] !== ',') return failure;
  return new SelectionSyntaxFailure({ ...failure.info, found: ',' });
}

function asSyntaxFailure(error: unknown): SelectionSyntaxFailure {
  if (error instanceof SelectionSyntaxFailure) return error;
  throw error;
}
