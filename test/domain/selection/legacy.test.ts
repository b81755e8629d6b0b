/**
 * Goal: one clause of Dagster's older syntax parses as Dagster's CLI reads it: each `+` is one
 * level, `*` is every level, a bare name is an exact key, `tag:k=v` is a tag filter.
 * Method: tables of (clause, expected expression) and (clause, failure column, expected).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AssetSelectionExpr } from '../../../src/domain/selection/index.js';
import { parseLegacyClause } from '../../../src/domain/selection/legacy.js';
import { END_OF_INPUT as END, SelectionSyntaxFailure } from '../../../src/domain/selection/syntax-error.js';

const keys = (name: string): AssetSelectionExpr => ({ type: 'keys', keys: [name] });
const walk = (name: string, upstream: number | 'all', downstream: number | 'all'): AssetSelectionExpr => ({
  type: 'traverse',
  operand: keys(name),
  upstream,
  downstream,
});

describe('parsing a legacy clause', () => {
  const rows: readonly (readonly [string, AssetSelectionExpr])[] = [
    ['a', keys('a')],
    ['raw/events', keys('raw/events')],
    ['  raw/events  ', keys('raw/events')],
    ['*a', walk('a', 'all', 0)],
    ['+a', walk('a', 1, 0)],
    ['++a', walk('a', 2, 0)],
    ['*++a', walk('a', 'all', 0)],
    ['a+', walk('a', 0, 1)],
    ['a+++', walk('a', 0, 3)],
    ['a*', walk('a', 0, 'all')],
    ['a++*', walk('a', 0, 'all')],
    ['*a+', walk('a', 'all', 1)],
    ['+a*', walk('a', 1, 'all')],
    ['*a*', walk('a', 'all', 'all')],
    // Dagster's legacy names allow these characters; such names are never keys, so they resolve to UNKNOWN_ASSET.
    ['my-asset.v2', keys('my-asset.v2')],
    ['tag:team=data-eng', { type: 'tag', key: 'team', value: 'data-eng' }],
    ['tag:a.b', { type: 'tag', key: 'a.b', value: null }],
  ];
  for (const [clause, expected] of rows) {
    test(`${JSON.stringify(clause)} parses as Dagster's CLI reads it`, () => {
      assert.deepEqual(parseLegacyClause(clause, 0), expected);
    });
  }
});

describe('rejecting malformed legacy clauses', () => {
  const rows: readonly (readonly [string, number, readonly string[], string | null])[] = [
    ['', 1, ['*', '+', 'an asset key'], null],
    ['   ', 4, ['*', '+', 'an asset key'], null],
    ['+', 2, ['+', 'an asset key'], null],
    ['+*a', 2, ['+', 'an asset key'], '*'],
    ['a+b', 3, ['+', '*', ',', END], 'b'],
    ['a*+', 3, [',', END], '+'],
    ['a b', 2, ['+', '*', ',', END], ' '],
    ['**a', 2, ['+', 'an asset key'], '*'],
    ['tag:', 5, ['a tag key'], null],
    ['tag:=v', 5, ['a tag key'], '='],
    ['tag:a=b=c', 8, ['a tag value'], '='],
    ['tag:k=', 7, ['a tag value'], null],
    ['tag:a b', 6, ['a tag key'], ' '],
  ];
  for (const [clause, column, expected, found] of rows) {
    test(`${JSON.stringify(clause)} fails at column ${column}`, () => {
      assert.throws(
        () => parseLegacyClause(clause, 0),
        (error: unknown) => {
          assert.ok(error instanceof SelectionSyntaxFailure);
          assert.equal(error.info.column, column);
          assert.deepEqual(error.info.expected, expected);
          assert.equal(error.info.found, found);
          return true;
        },
      );
    });
  }

  test('columns count from the start of the full text, past leading spaces', () => {
    assert.throws(
      () => parseLegacyClause('  a+b', 6),
      (error: unknown) => error instanceof SelectionSyntaxFailure && error.info.column === 11,
    );
  });
});
