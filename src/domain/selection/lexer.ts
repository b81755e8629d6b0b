/**
 * Tokens of Dagster's current asset selection syntax. Words are maximal runs of letters, digits,
 * `_`, `/` and `*`; whether a word is an operator (`and`), an attribute (`key`), a depth (`2`) or a
 * value (`raw/*`) is decided by the parser from its position, so a value may be any word, keywords
 * included (Dagster's lexer rejects `key:and` and `key:2020_sales`; we accept both).
 */
import { SelectionSyntaxFailure } from './syntax-error.js';

export type TokenKind =
  | 'word'
  | 'string'
  | 'null'
  | 'colon'
  | 'equal'
  | 'plus'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'invalid'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The token as written (quotes included for strings). */
  readonly text: string;
  /** For strings, the text between the quotes; otherwise equal to `text`. */
  readonly value: string;
  /** 0-based offset of the first character. */
  readonly start: number;
  /** Whether whitespace separates this token from the previous one. */
  readonly spaced: boolean;
}

const WORD_CHAR = /[A-Za-z0-9_/*]/;
const WHITESPACE = /[ \t\r\n]/;
const NULL_LITERAL = '<null>';
const PUNCTUATION: Readonly<Record<string, TokenKind>> = {
  ':': 'colon',
  '=': 'equal',
  '+': 'plus',
  '(': 'lparen',
  ')': 'rparen',
  ',': 'comma',
};

/**
 * Splits `source` into tokens, ending with one `eof` token. Characters outside the syntax become
 * `invalid` tokens so the parser can say what it expected in their place.
 * @param offset added to every `start`, for a clause cut out of a longer text.
 * @throws SelectionSyntaxFailure for a quoted string that is never closed.
 */
export function tokenize(source: string, offset = 0): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let spaced = false;
  const push = (kind: TokenKind, text: string, value: string, start: number): void => {
    tokens.push({ kind, text, value, start: start + offset, spaced });
    spaced = false;
  };
  while (i < source.length) {
    const char = source[i] as string;
    if (WHITESPACE.test(char)) {
      spaced = true;
      i += 1;
    } else if (WORD_CHAR.test(char)) {
      const start = i;
      while (i < source.length && WORD_CHAR.test(source[i] as string)) i += 1;
      const word = source.slice(start, i);
      push('word', word, word, start);
    } else if (char === '"') {
      const end = closingQuote(source, i);
      if (end === -1) {
        throw new SelectionSyntaxFailure({
          column: i + offset + 1,
          expected: ['a closing quote'],
          found: source.slice(i),
        });
      }
      push('string', source.slice(i, end + 1), source.slice(i + 1, end), i);
      i = end + 1;
    } else if (source.startsWith(NULL_LITERAL, i)) {
      push('null', NULL_LITERAL, NULL_LITERAL, i);
      i += NULL_LITERAL.length;
    } else {
      const kind = PUNCTUATION[char] ?? 'invalid';
      push(kind, char, char, i);
      i += 1;
    }
  }
  push('eof', '', '', source.length);
  return tokens;
}

/** Index of the quote closing the one at `open`, or -1; like Dagster, a value cannot span lines. */
function closingQuote(source: string, open: number): number {
  for (let i = open + 1; i < source.length; i += 1) {
    const char = source[i];
    if (char === '"') return i;
    if (char === '\n' || char === '\r') return -1;
  }
  return -1;
}
