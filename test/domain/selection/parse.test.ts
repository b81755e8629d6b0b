/**
 * Goal: `parseAssetSelection` reads a text as Dagster's CLI does (current syntax first, then
 * comma-separated clauses each in the current or the legacy syntax) and, when both fail, reports a
 * SELECTION_SYNTAX_ERROR pointing at the column of the more helpful of the two failures.
 * Method: tables of (text, expected expression) and (text, column, expected, found).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAssetSelection, type AssetSelectionExpr } from '../../../src/domain/selection/index.js';
import { isArcoError } from '../../../src/domain/errors/index.js';

const keys = (name: string): AssetSelectionExpr => ({ type: 'keys', keys: [name] });
const key = (pattern: string): AssetSelectionExpr => ({ type: 'key', pattern });

describe('falling back to the legacy syntax', () => {
  const rows: readonly (readonly [string, AssetSelectionExpr])[] = [
    ['key:a', key('a')],
    ['*', { type: 'all' }],
    ['a', keys('a')],
    ['a,b', { type: 'or', operands: [keys('a'), keys('b')] }],
    ['*,a', { type: 'or', operands: [{ type: 'all' }, keys('a')] }],
    ['key:a,b+', { type: 'or', operands: [key('a'), { type: 'traverse', operand: keys('b'), upstream: 0, downstream: 1 }] }],
    ['key:a, key:b', { type: 'or', operands: [key('a'), key('b')] }],
    ['key:"a,b",c', { type: 'or', operands: [key('a,b'), keys('c')] }],
    ['tag:team=data-eng', { type: 'tag', key: 'team', value: 'data-eng' }],
    ['tag:team=data', { type: 'tag', key: 'team', value: 'data' }],
  ];
  for (const [text, expected] of rows) {
    test(`${JSON.stringify(text)} parses as Dagster's CLI reads it`, () => {
      assert.deepEqual(parseAssetSelection(text), expected);
    });
  }
});

describe('reporting a selection that parses in neither syntax', () => {
  const OPERAND = ['key:', 'tag:', 'owner:', 'group:', 'kind:', 'roots(', 'sinks(', '(', 'not', '*', '+'];
  const rows: readonly (readonly [string, number, readonly string[], string | null])[] = [
    // texts in the current syntax's alphabet get its error
    ['', 1, OPERAND, null],
    ['   ', 4, OPERAND, null],
    ['key:a and b', 11, OPERAND, 'b'],
    ['a b', 1, OPERAND, 'a'],
    ['key:a and, b', 10, OPERAND, ','],
    ['tag:team=data-eng and group:raw', 14, ['+', 'and', 'or', 'end of input'], '-'],
    ['a,key:"x', 7, ['a closing quote'], '"x'],
    // texts made of names, `*` and `+` get the legacy error
    ['a+b', 3, ['+', '*', ',', 'end of input'], 'b'],
    ['a,,b', 3, ['*', '+', 'an asset key'], ','],
    ['a,', 3, ['*', '+', 'an asset key'], null],
    ['*+', 3, ['+', 'an asset key'], null],
    ['raw/events, a*b', 15, [',', 'end of input'], 'b'],
  ];
  for (const [text, column, expected, found] of rows) {
    test(`${JSON.stringify(text)} is SELECTION_SYNTAX_ERROR at column ${column}`, () => {
      assert.throws(
        () => parseAssetSelection(text),
        (error: unknown) => {
          assert.ok(isArcoError(error));
          assert.equal(error.code, 'SELECTION_SYNTAX_ERROR');
          assert.equal(error.httpStatus, 400);
          assert.equal(error.retryable, false);
          assert.deepEqual(error.details, { text, column, expected, found });
          return true;
        },
      );
    });
  }

  test('tag:foo= with nothing after = is SELECTION_SYNTAX_ERROR, as in Dagster', () => {
    for (const [text, column] of [['tag:foo=', 9], ['tag:foo= and key:a', 14], ['key:a, tag:foo=', 16]] as const) {
      assert.throws(
        () => parseAssetSelection(text),
        (error: unknown) => {
          assert.ok(isArcoError(error), text);
          assert.equal(error.code, 'SELECTION_SYNTAX_ERROR', text);
          assert.equal(error.details?.column, column, text);
          return true;
        },
      );
    }
    assert.deepEqual(parseAssetSelection('tag:foo=""'), { type: 'tag', key: 'foo', value: '' }, 'the empty value is written tag:foo=""');
  });

  test('the message names the column, the alternatives and what was found', () => {
    assert.throws(() => parseAssetSelection('a+b'), {
      message: 'invalid asset selection at column 3: expected "+", "*", "," or end of input, found "b"',
    });
    assert.throws(() => parseAssetSelection('key:a and'), {
      message:
        'invalid asset selection at column 10: expected "key:", "tag:", "owner:", "group:", "kind:", "roots(", "sinks(", "(", "not", "*" or "+", found end of input',
    });
  });
});
