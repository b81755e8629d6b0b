/**
 * Syntax failures inside the selection parsers. Both parsers (current and legacy) throw
 * `SelectionSyntaxFailure`; `parseAssetSelection` catches them to try the other syntax and turns
 * the one it reports into the public `SELECTION_SYNTAX_ERROR`.
 */
import { arcoError, type ArcoError } from '../errors/index.js';

/** Where a parse stopped, what would have been accepted there, and what was found instead. */
export interface SyntaxFailureInfo {
  /** 1-based column in the full selection text. */
  readonly column: number;
  /** The alternatives accepted at `column`: literal tokens (`key:`, `)`) or phrases (`end of input`). */
  readonly expected: readonly string[];
  /** The text that stood at `column`, or null at the end of the input (or of a clause). */
  readonly found: string | null;
  /** An extra sentence for a likely mistake (an unquoted value, a bare asset name). */
  readonly hint?: string;
}

export class SelectionSyntaxFailure extends Error {
  readonly info: SyntaxFailureInfo;

  constructor(info: SyntaxFailureInfo) {
    super(describeFailure(info));
    this.name = 'SelectionSyntaxFailure';
    this.info = info;
  }
}

export const END_OF_INPUT = 'end of input';

/** Quotes a token for a message; phrases (they contain a space) stay bare. */
function show(item: string): string {
  return item.includes(' ') ? item : `"${item}"`;
}

function describeFailure(info: SyntaxFailureInfo): string {
  const items = info.expected.map(show);
  const alternatives =
    items.length <= 1 ? (items[0] ?? 'nothing') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
  const found = info.found === null ? END_OF_INPUT : JSON.stringify(info.found);
  const base = `column ${info.column}: expected ${alternatives}, found ${found}`;
  return info.hint === undefined ? base : `${base}. ${info.hint}`;
}

/** The `found` of a failure at a token or character: null when there is none (end of input). */
export function foundText(text: string | undefined): string | null {
  return text === undefined || text.length === 0 ? null : text;
}

/** The public error for a selection that parses in neither syntax. */
export function selectionSyntaxError(text: string, failure: SelectionSyntaxFailure): ArcoError {
  const { column, expected, found } = failure.info;
  return arcoError('SELECTION_SYNTAX_ERROR', `invalid asset selection at ${failure.message}`, {
    text,
    column,
    expected: [...expected],
    found,
  });
}
