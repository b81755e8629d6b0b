/**
 * A recursive-descent parser for Dagster's current asset selection syntax. Precedence, tightest
 * first, is Dagster's: traversal (`2+x`, `x+`), `not`, `and`, `or`; `and` and `or` group to the
 * left. A traversal applies to a filter, a function call or a parenthesised expression, never to
 * `*` or to `not …` (Dagster's grammar forbids both). Operators are `and`/`AND`, `or`/`OR`,
 * `not`/`NOT`; filter and function names are lower case.
 */
import type { AssetSelectionExpr, TraversalDepth } from './expr.js';
import { tokenize, type Token } from './lexer.js';
import { END_OF_INPUT, SelectionSyntaxFailure, foundText } from './syntax-error.js';

/** Bounds recursion on hostile input such as ten thousand `(`; real selections nest a few levels. */
export const SELECTION_NESTING_MAX = 100;

const FILTERS = ['key', 'tag', 'owner', 'group', 'kind'] as const;
type Filter = (typeof FILTERS)[number];
const FUNCTIONS = ['roots', 'sinks'] as const;
/** Dagster filters that need data a definitions graph does not have (status, code location, …). */
const UNSUPPORTED_FILTERS = new Set([
  'code_location',
  'status',
  'column',
  'table_name',
  'column_tag',
  'changed_in_branch',
  'is',
  'partitions',
  'automation_type',
  'sensor',
  'schedule',
  'job',
  'not_materialized_in_hours',
  'key_substring',
]);

const TRAVERSABLE_START = [...FILTERS.map((f) => `${f}:`), ...FUNCTIONS.map((f) => `${f}(`), '('];
const OPERAND_START = [...TRAVERSABLE_START, 'not', '*', '+'];
const DIGITS = /^[0-9]+$/;
const PLAIN_KEY = /^[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)*$/;
const OPERATOR_WORD = /^(and|or|not|AND|OR|NOT)$/;

/**
 * Parses `source` as the current syntax.
 * @param offset columns to add to failure positions, for a clause cut out of a longer text.
 * @throws SelectionSyntaxFailure naming the column and what was expected there.
 */
export function parseCurrentSyntax(source: string, offset = 0): AssetSelectionExpr {
  return new CurrentSyntaxParser(tokenize(source, offset)).parseAll();
}

class CurrentSyntaxParser {
  private position = 0;
  private nesting = 0;
  /** What else could have continued the operand just parsed (`+` after `key:x`, a depth after `key:x+`). */
  private continuations: readonly string[] = [];

  constructor(private readonly tokens: readonly Token[]) {}

  parseAll(): AssetSelectionExpr {
    const expr = this.parseOr();
    if (this.peek().kind !== 'eof') this.fail([...this.continuations, 'and', 'or', END_OF_INPUT]);
    return expr;
  }

  private parseOr(): AssetSelectionExpr {
    const operands = [this.parseAnd()];
    while (this.isWord(this.peek(), 'or', 'OR')) {
      this.advance();
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? (operands[0] as AssetSelectionExpr) : { type: 'or', operands: flatten('or', operands) };
  }

  private parseAnd(): AssetSelectionExpr {
    const operands = [this.parseUnary()];
    while (this.isWord(this.peek(), 'and', 'AND')) {
      this.advance();
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? (operands[0] as AssetSelectionExpr) : { type: 'and', operands: flatten('and', operands) };
  }

  private parseUnary(): AssetSelectionExpr {
    if (this.isWord(this.peek(), 'not', 'NOT')) {
      this.advance();
      return this.nested(() => ({ type: 'not', operand: this.parseUnary() }));
    }
    return this.parseOperand();
  }

  /** `*`, or an optional upstream traversal, a traversable operand and an optional downstream one. */
  private parseOperand(): AssetSelectionExpr {
    const token = this.peek();
    if (this.isWord(token, '*')) {
      this.advance();
      this.continuations = [];
      return { type: 'all' };
    }
    let upstream: TraversalDepth = 0;
    let hasUpstream = true;
    if (token.kind === 'word' && DIGITS.test(token.text) && this.peek(1).kind === 'plus') {
      upstream = Number(token.text);
      this.advance(2);
    } else if (token.kind === 'plus') {
      upstream = 'all';
      this.advance();
    } else {
      hasUpstream = false;
    }
    const operand = this.parseTraversable(hasUpstream ? TRAVERSABLE_START : OPERAND_START);
    let downstream: TraversalDepth = 0;
    let hasDownstream = false;
    this.continuations = ['+'];
    if (this.peek().kind === 'plus') {
      this.advance();
      hasDownstream = true;
      downstream = 'all';
      this.continuations = ['a number'];
      const depth = this.peek();
      if (depth.kind === 'word' && DIGITS.test(depth.text)) {
        downstream = Number(depth.text);
        this.advance();
        this.continuations = [];
      }
    }
    if (!hasUpstream && !hasDownstream) return operand;
    return { type: 'traverse', operand, upstream, downstream };
  }

  private parseTraversable(expected: readonly string[]): AssetSelectionExpr {
    const token = this.peek();
    if (token.kind === 'lparen') {
      this.advance();
      return this.nested(() => this.closeWith(this.parseOr()));
    }
    if (token.kind !== 'word') this.fail(expected);
    const next = this.peek(1);
    if ((FILTERS as readonly string[]).includes(token.text) && next.kind === 'colon') {
      this.advance(2);
      return this.parseFilter(token.text as Filter);
    }
    if ((FUNCTIONS as readonly string[]).includes(token.text)) {
      this.advance();
      if (this.peek().kind !== 'lparen') this.fail(['(']);
      this.advance();
      const type = token.text as (typeof FUNCTIONS)[number];
      return this.nested(() => ({ type, operand: this.closeWith(this.parseOr()) }));
    }
    if (next.kind === 'colon') {
      const hint = UNSUPPORTED_FILTERS.has(token.text)
        ? `The "${token.text}:" filter is not supported by Arco Flow; use key:, tag:, owner:, group: or kind:`
        : undefined;
      this.fail(TRAVERSABLE_START, hint);
    }
    const hint = PLAIN_KEY.test(token.text) && !OPERATOR_WORD.test(token.text)
      ? `To select an asset by key, write key:${token.text}`
      : undefined;
    this.fail(expected, hint);
  }

  private parseFilter(filter: Filter): AssetSelectionExpr {
    if (filter === 'key') {
      const token = this.peek();
      if (token.kind !== 'word' && token.kind !== 'string') this.fail(['an asset key or key pattern']);
      this.advance();
      return { type: 'key', pattern: token.value };
    }
    const value = this.parseValue(true);
    if (filter === 'tag') {
      if (value === null || this.peek().kind !== 'equal') return { type: 'tag', key: value, value: null };
      this.advance();
      return { type: 'tag', key: value, value: this.parseValue(false) };
    }
    if (filter === 'owner') return { type: 'owner', owner: value };
    if (filter === 'group') return { type: 'group', group: value };
    return { type: 'kind', kind: value };
  }

  /** A word, a quoted string or (where `allowNull`) `<null>`; only key values take wildcards. */
  private parseValue(allowNull: true): string | null;
  private parseValue(allowNull: false): string;
  private parseValue(allowNull: boolean): string | null {
    const token = this.peek();
    if (token.kind === 'null' && allowNull) {
      this.advance();
      return null;
    }
    if (token.kind === 'word' && token.text.includes('*')) {
      this.fail(['a value without "*"'], 'Only key: values accept "*" wildcards; quote the value to match "*" literally');
    }
    if (token.kind !== 'word' && token.kind !== 'string') this.fail(['a value']);
    this.advance();
    return token.value;
  }

  private closeWith(expr: AssetSelectionExpr): AssetSelectionExpr {
    if (this.peek().kind !== 'rparen') this.fail([...this.continuations, 'and', 'or', ')']);
    this.advance();
    return expr;
  }

  private nested(parse: () => AssetSelectionExpr): AssetSelectionExpr {
    if (this.nesting >= SELECTION_NESTING_MAX) {
      this.fail([`at most ${SELECTION_NESTING_MAX} nested parentheses, functions and "not"`]);
    }
    this.nesting += 1;
    const expr = parse();
    this.nesting -= 1;
    return expr;
  }

  private fail(expected: readonly string[], hint?: string): never {
    const token = this.peek();
    const previous = this.tokens[this.position - 1];
    const unquoted =
      token.kind === 'invalid' && !token.spaced && (previous?.kind === 'word' || previous?.kind === 'string');
    const finalHint = hint ?? (unquoted ? 'Put values that contain other characters in double quotes' : undefined);
    throw new SelectionSyntaxFailure({
      column: token.start + 1,
      expected,
      found: foundText(token.text),
      ...(finalHint === undefined ? {} : { hint: finalHint }),
    });
  }

  private peek(ahead = 0): Token {
    const last = this.tokens[this.tokens.length - 1] as Token;
    return this.tokens[this.position + ahead] ?? last;
  }

  private advance(count = 1): void {
    this.position = Math.min(this.position + count, this.tokens.length - 1);
  }

  private isWord(token: Token, ...texts: string[]): boolean {
    return token.kind === 'word' && texts.includes(token.text);
  }
}

/** Merges nested operands of the same operator: `a or (b or c)` is one three-way `or`. */
function flatten(type: 'and' | 'or', operands: readonly AssetSelectionExpr[]): AssetSelectionExpr[] {
  return operands.flatMap((operand) => (operand.type === type ? operand.operands : [operand]));
}
