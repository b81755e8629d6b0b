/**
 * Goal: the current syntax parses to the expression Dagster's grammar gives it (precedence,
 * traversal placement, quoting, operator case), and rejects what that grammar rejects.
 * Method: tables of (text, expected expression) through `parseCurrentSyntax`, and of (text, failure
 * column, expected alternatives) for rejected texts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AssetSelectionExpr } from '../../../src/domain/selection/index.js';
import { parseCurrentSyntax, SELECTION_NESTING_MAX } from '../../../src/domain/selection/parser.js';
import { SelectionSyntaxFailure } from '../../../src/domain/selection/syntax-error.js';

const key = (pattern: string): AssetSelectionExpr => ({ type: 'key', pattern });
const up = (operand: AssetSelectionExpr, upstream: number | 'all', downstream: number | 'all' = 0): AssetSelectionExpr => ({
  type: 'traverse',
  operand,
  upstream,
  downstream,
});
const and = (...operands: AssetSelectionExpr[]): AssetSelectionExpr => ({ type: 'and', operands });
const or = (...operands: AssetSelectionExpr[]): AssetSelectionExpr => ({ type: 'or', operands });
const not = (operand: AssetSelectionExpr): AssetSelectionExpr => ({ type: 'not', operand });

describe('parsing the current selection syntax', () => {
  const rows: readonly (readonly [string, AssetSelectionExpr])[] = [
    ['*', { type: 'all' }],
    ['(*)', { type: 'all' }],
    ['key:raw/events', key('raw/events')],
    ['key:"raw/events"', key('raw/events')],
    ['key:"odd key-with.chars"', key('odd key-with.chars')],
    ['key:raw/*', key('raw/*')],
    ['key:*_daily', key('*_daily')],
    ['key:2020_sales', key('2020_sales')],
    ['key:and', key('and')],
    ['key: raw/events', key('raw/events')],
    ['tag:team=data', { type: 'tag', key: 'team', value: 'data' }],
    ['tag:"team"="data eng"', { type: 'tag', key: 'team', value: 'data eng' }],
    ['tag:team = data', { type: 'tag', key: 'team', value: 'data' }],
    ['tag:pii', { type: 'tag', key: 'pii', value: null }],
    ['tag:<null>', { type: 'tag', key: null, value: null }],
    ['tag:"a*"', { type: 'tag', key: 'a*', value: null }],
    ['owner:"alice@example.com"', { type: 'owner', owner: 'alice@example.com' }],
    ['owner:<null>', { type: 'owner', owner: null }],
    ['group:marts', { type: 'group', group: 'marts' }],
    ['group:<null>', { type: 'group', group: null }],
    ['kind:dbt', { type: 'kind', kind: 'dbt' }],
    ['kind:<null>', { type: 'kind', kind: null }],
    ['+key:x', up(key('x'), 'all')],
    ['2+key:x', up(key('x'), 2)],
    ['2 + key:x', up(key('x'), 2)],
    ['key:x+', up(key('x'), 0, 'all')],
    ['key:x+3', up(key('x'), 0, 3)],
    ['key:x+0', up(key('x'), 0, 0)],
    ['+key:x+', up(key('x'), 'all', 'all')],
    ['1+key:x+2', up(key('x'), 1, 2)],
    ['+(key:a or key:b)', up(or(key('a'), key('b')), 'all')],
    ['roots(*)', { type: 'roots', operand: { type: 'all' } }],
    ['sinks ( key:a )', { type: 'sinks', operand: key('a') }],
    ['roots(key:a)+1', up({ type: 'roots', operand: key('a') }, 0, 1)],
    ['key:a or key:b', or(key('a'), key('b'))],
    ['key:a OR key:b', or(key('a'), key('b'))],
    ['key:a and key:b', and(key('a'), key('b'))],
    ['key:a AND key:b', and(key('a'), key('b'))],
    ['key:a or key:b or key:c', or(key('a'), key('b'), key('c'))],
    ['key:a or key:b and key:c', or(key('a'), and(key('b'), key('c')))],
    ['key:a and key:b or key:c', or(and(key('a'), key('b')), key('c'))],
    ['(key:a or key:b) and key:c', and(or(key('a'), key('b')), key('c'))],
    ['not key:a and key:b', and(not(key('a')), key('b'))],
    ['not (key:a and key:b)', not(and(key('a'), key('b')))],
    ['NOT key:a', not(key('a'))],
    ['not not key:a', not(not(key('a')))],
    ['not key:a+', not(up(key('a'), 0, 'all'))],
    ['not *', not({ type: 'all' })],
    ['key:a and not key:b or key:c', or(and(key('a'), not(key('b'))), key('c'))],
    ['\tkey:a\n and\r\nkey:b ', and(key('a'), key('b'))],
  ];
  for (const [text, expected] of rows) {
    test(`${JSON.stringify(text)} parses as Dagster groups it`, () => {
      assert.deepEqual(parseCurrentSyntax(text), expected);
    });
  }
});

describe('rejecting texts outside the current syntax', () => {
  const OPERAND = ['key:', 'tag:', 'owner:', 'group:', 'kind:', 'roots(', 'sinks(', '(', 'not', '*', '+'];
  const TRAVERSABLE = ['key:', 'tag:', 'owner:', 'group:', 'kind:', 'roots(', 'sinks(', '('];
  const rows: readonly (readonly [string, number, readonly string[], string | null])[] = [
    ['', 1, OPERAND, null],
    ['raw/events', 1, OPERAND, 'raw/events'],
    ['key:', 5, ['an asset key or key pattern'], null],
    ['key:a and', 10, OPERAND, null],
    ['key:a or or key:b', 10, OPERAND, 'or'],
    ['key:a And key:b', 7, ['+', 'and', 'or', 'end of input'], 'And'],
    ['Key:a', 1, TRAVERSABLE, 'Key'],
    ['(key:a', 7, ['+', 'and', 'or', ')'], null],
    ['key:a)', 6, ['+', 'and', 'or', 'end of input'], ')'],
    ['key:a+b', 7, ['a number', 'and', 'or', 'end of input'], 'b'],
    ['key:a+2+', 8, ['and', 'or', 'end of input'], '+'],
    ['++key:a', 2, TRAVERSABLE, '+'],
    ['+*', 2, TRAVERSABLE, '*'],
    ['*+', 2, ['and', 'or', 'end of input'], '+'],
    ['*key:a', 1, TRAVERSABLE, '*key'],
    ['+not key:a', 2, TRAVERSABLE, 'not'],
    ['roots key:a', 7, ['('], 'key'],
    ['roots(key:a', 12, ['+', 'and', 'or', ')'], null],
    ['tag:team=data*', 10, ['a value without "*"'], 'data*'],
    ['group:raw*', 7, ['a value without "*"'], 'raw*'],
    ['tag:team=', 10, ['a value'], null],
    ['tag:team=data-eng', 14, ['+', 'and', 'or', 'end of input'], '-'],
    ['owner:alice@example.com', 12, ['+', 'and', 'or', 'end of input'], '@'],
    ['tag:<null>=x', 11, ['+', 'and', 'or', 'end of input'], '='],
    ['key:<null>', 5, ['an asset key or key pattern'], '<null>'],
    ['status:failed', 1, TRAVERSABLE, 'status'],
    ['key:a, key:b', 6, ['+', 'and', 'or', 'end of input'], ','],
    ['key:"raw/events', 5, ['a closing quote'], '"raw/events'],
  ];
  for (const [text, column, expected, found] of rows) {
    test(`${JSON.stringify(text)} fails at column ${column}`, () => {
      assert.throws(
        () => parseCurrentSyntax(text),
        (error: unknown) => {
          assert.ok(error instanceof SelectionSyntaxFailure);
          assert.deepEqual(error.info.expected, expected);
          assert.equal(error.info.column, column);
          assert.equal(error.info.found, found);
          return true;
        },
      );
    });
  }

  test('a bare asset name gets a hint to write key:', () => {
    assert.throws(() => parseCurrentSyntax('key:a or raw/events'), /To select an asset by key, write key:raw\/events/);
  });

  test('an unquoted value with other characters gets a hint to quote it', () => {
    assert.throws(() => parseCurrentSyntax('tag:team=data-eng'), /double quotes/);
  });

  test('a Dagster filter that needs run data is named as unsupported', () => {
    assert.throws(() => parseCurrentSyntax('code_location:prod'), /"code_location:" filter is not supported/);
  });

  test(`nesting is accepted up to ${SELECTION_NESTING_MAX} levels and rejected beyond`, () => {
    const nested = (depth: number): string => `${'('.repeat(depth)}key:a${')'.repeat(depth)}`;
    assert.deepEqual(parseCurrentSyntax(nested(SELECTION_NESTING_MAX)), key('a'));
    assert.throws(() => parseCurrentSyntax(nested(SELECTION_NESTING_MAX + 1)), SelectionSyntaxFailure);
    assert.throws(() => parseCurrentSyntax(`${'not '.repeat(SELECTION_NESTING_MAX + 1)}key:a`), SelectionSyntaxFailure);
  });

  test('failure columns are shifted by the offset of a clause cut out of a longer text', () => {
    assert.throws(
      () => parseCurrentSyntax('key:', 10),
      (error: unknown) => error instanceof SelectionSyntaxFailure && error.info.column === 15,
    );
  });
});
