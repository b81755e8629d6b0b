/**
 * Goal: every operator of the selection syntax selects exactly the assets Dagster would on a small
 * graph with two roots, a diamond, an isolated asset and varied tags/groups/owners/kinds.
 * Method: tables of (selection text, expected sorted keys) resolved against `SAMPLE_INDEX`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  expandAssetClosure,
  keysSelection,
  parseAssetSelection,
  resolveAssetSelection,
  type AssetSelectionExpr,
} from '../../../src/domain/selection/index.js';
import { isArcoError } from '../../../src/domain/errors/index.js';
import { ALL_KEYS, SAMPLE_INDEX, allExcept } from './fixtures/sample-graph.js';

type Row = readonly [selection: string, expected: readonly string[]];

function runTable(rows: readonly Row[]): void {
  for (const [selection, expected] of rows) {
    test(`${selection} selects ${expected.length === 0 ? 'nothing' : expected.join(', ')}`, () => {
      assert.deepEqual(resolveAssetSelection(selection, SAMPLE_INDEX), expected);
    });
  }
}

function assertUnknownAsset(run: () => unknown, key: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isArcoError(error));
    assert.equal(error.code, 'UNKNOWN_ASSET');
    assert.deepEqual(error.details, { key });
    return true;
  });
}

const UPSTREAM_OF_DAILY = ['marts/activity', 'marts/daily', 'raw/events', 'raw/users', 'staging/events', 'staging/sessions', 'staging/users'];
const DOWNSTREAM_OF_RAW_EVENTS = ['marts/activity', 'marts/daily', 'raw/events', 'report', 'staging/events', 'staging/sessions'];

describe('selecting assets by key', () => {
  runTable([
    ['*', ALL_KEYS],
    ['key:raw/events', ['raw/events']],
    ['key:"raw/events"', ['raw/events']],
    ['key:lonely', ['lonely']],
    ['key:raw', []],
    ['key:no_such_asset', []],
    ['key:raw/*', ['raw/events', 'raw/users']],
    ['key:"raw/*"', ['raw/events', 'raw/users']],
    ['key:*events', ['raw/events', 'staging/events']],
    ['key:r*s', ['raw/events', 'raw/users']],
    ['key:*/*s*', ['raw/events', 'raw/users', 'staging/events', 'staging/sessions', 'staging/users']],
    ['key:staging/*s*ion*', ['staging/sessions']],
    ['key:*', ALL_KEYS],
  ]);
});

describe('selecting assets by tag, group, owner and kind', () => {
  runTable([
    ['tag:team=data', ['raw/events', 'raw/users', 'staging/events', 'staging/users']],
    ['tag:"team"="data"', ['raw/events', 'raw/users', 'staging/events', 'staging/users']],
    ['tag:team="platform-eng"', ['staging/sessions']],
    ['tag:team=platform', []],
    ['tag:pii', ['raw/events', 'raw/users', 'staging/users']],
    ['tag:pii=true', ['raw/users', 'staging/users']],
    ['tag:pii=""', ['raw/events']],
    ['tag:no_such_tag', []],
    ['tag:<null>', ['lonely', 'report']],
    ['group:staging', ['staging/events', 'staging/sessions', 'staging/users']],
    ['group:"marts"', ['marts/activity', 'marts/daily']],
    ['group:<null>', ['lonely', 'report']],
    ['owner:"alice@example.com"', ['raw/events', 'staging/users']],
    ['owner:"team:analytics"', ['marts/activity', 'marts/daily']],
    ['owner:alice', []],
    ['owner:<null>', ['lonely', 'report', 'staging/events', 'staging/sessions']],
    ['kind:dbt', ['marts/activity', 'staging/events', 'staging/sessions', 'staging/users']],
    ['kind:snowflake', ['marts/activity', 'marts/daily']],
    ['kind:<null>', ['report']],
  ]);
});

describe('walking upstream and downstream', () => {
  runTable([
    ['+key:marts/daily', UPSTREAM_OF_DAILY],
    ['1+key:marts/daily', ['marts/activity', 'marts/daily']],
    ['2+key:marts/daily', ['marts/activity', 'marts/daily', 'staging/events', 'staging/sessions', 'staging/users']],
    ['3+key:marts/daily', UPSTREAM_OF_DAILY],
    ['0+key:marts/daily', ['marts/daily']],
    ['key:raw/events+', DOWNSTREAM_OF_RAW_EVENTS],
    ['key:raw/events+1', ['raw/events', 'staging/events', 'staging/sessions']],
    ['key:raw/events+2', ['marts/activity', 'raw/events', 'staging/events', 'staging/sessions']],
    ['key:raw/events+0', ['raw/events']],
    ['key:raw/events + 1', ['raw/events', 'staging/events', 'staging/sessions']],
    ['1+key:marts/activity+1', ['marts/activity', 'marts/daily', 'staging/events', 'staging/sessions', 'staging/users']],
    ['+key:marts/activity+', allExcept('lonely')],
    ['+key:lonely+', ['lonely']],
    ['key:raw/*+1', ['raw/events', 'raw/users', 'staging/events', 'staging/sessions', 'staging/users']],
    ['(key:raw/events or key:raw/users)+1', ['raw/events', 'raw/users', 'staging/events', 'staging/sessions', 'staging/users']],
    ['1+group:marts', ['marts/activity', 'marts/daily', 'staging/events', 'staging/sessions', 'staging/users']],
    ['key:raw/events+ and +key:marts/daily', ['marts/activity', 'marts/daily', 'raw/events', 'staging/events', 'staging/sessions']],
    ['key:report+', ['report']],
    ['+key:no_such_asset', []],
  ]);
});

describe('combining with and, or, not and parentheses', () => {
  runTable([
    ['group:raw or group:marts', ['marts/activity', 'marts/daily', 'raw/events', 'raw/users']],
    ['group:raw OR group:marts', ['marts/activity', 'marts/daily', 'raw/events', 'raw/users']],
    ['tag:team=data and kind:dbt', ['staging/events', 'staging/users']],
    ['tag:team=data AND kind:dbt', ['staging/events', 'staging/users']],
    ['tag:team=data and not group:raw', ['staging/events', 'staging/users']],
    ['not group:raw', allExcept('raw/events', 'raw/users')],
    ['NOT group:raw', allExcept('raw/events', 'raw/users')],
    ['not not group:raw', ['raw/events', 'raw/users']],
    ['not *', []],
    ['* and not *', []],
    // and binds tighter than or
    ['group:raw or group:staging and tag:team="platform-eng"', ['raw/events', 'raw/users', 'staging/sessions']],
    ['(group:raw or group:staging) and tag:team="platform-eng"', ['staging/sessions']],
    ['group:staging and tag:team="platform-eng" or group:raw', ['raw/events', 'raw/users', 'staging/sessions']],
    // not binds tighter than and
    ['not group:raw and kind:s3', []],
    ['not (group:raw and kind:s3)', allExcept('raw/events', 'raw/users')],
    // traversal binds tighter than not
    ['not key:raw/events+', ['lonely', 'raw/users', 'staging/users']],
    ['not (key:raw/events)+', ['lonely', 'raw/users', 'staging/users']],
    ['  key:raw/events   or   key:lonely  ', ['lonely', 'raw/events']],
    ['key:lonely or key:lonely', ['lonely']],
  ]);
});

describe('roots and sinks of a selection', () => {
  runTable([
    ['roots(*)', ['lonely', 'raw/events', 'raw/users']],
    ['sinks(*)', ['lonely', 'report']],
    ['roots(group:staging)', ['staging/events', 'staging/sessions', 'staging/users']],
    ['sinks(group:marts)', ['marts/daily']],
    // an ancestor counts even when the assets between are not selected
    ['roots(key:staging/events or key:marts/daily)', ['staging/events']],
    ['sinks(key:raw/events or key:marts/daily)', ['marts/daily']],
    ['roots(key:raw/users or key:staging/events)', ['raw/users', 'staging/events']],
    ['roots(tag:team=data)', ['raw/events', 'raw/users']],
    ['roots(tag:team=data)+1', ['raw/events', 'raw/users', 'staging/events', 'staging/sessions', 'staging/users']],
    ['sinks(+key:marts/activity)', ['marts/activity']],
    ['roots( key:marts/* )', ['marts/activity']],
    ['roots(sinks(*))', ['lonely', 'report']],
    ['sinks(*) and roots(*)', ['lonely']],
    ['roots(key:no_such_asset)', []],
  ]);
});

describe('the legacy comma syntax, where + is one level and * is all levels', () => {
  runTable([
    ['raw/events', ['raw/events']],
    ['lonely', ['lonely']],
    ['*marts/daily', UPSTREAM_OF_DAILY],
    ['+marts/daily', ['marts/activity', 'marts/daily']],
    ['++marts/daily', ['marts/activity', 'marts/daily', 'staging/events', 'staging/sessions', 'staging/users']],
    ['raw/events+', ['raw/events', 'staging/events', 'staging/sessions']],
    ['raw/events++', ['marts/activity', 'raw/events', 'staging/events', 'staging/sessions']],
    ['raw/events*', DOWNSTREAM_OF_RAW_EVENTS],
    ['*marts/activity+', UPSTREAM_OF_DAILY],
    ['*raw/events*', DOWNSTREAM_OF_RAW_EVENTS],
    ['raw/events,raw/users', ['raw/events', 'raw/users']],
    [' raw/events , lonely ', ['lonely', 'raw/events']],
    ['+staging/users,lonely+', ['lonely', 'raw/users', 'staging/users']],
    ['key:raw/*,lonely', ['lonely', 'raw/events', 'raw/users']],
    ['tag:team=platform-eng', ['staging/sessions']],
    ['tag:team=platform-eng,lonely', ['lonely', 'staging/sessions']],
  ]);

  test('a legacy asset name that does not exist is UNKNOWN_ASSET naming it', () => {
    for (const [text, key] of [
      ['no_such_asset', 'no_such_asset'],
      ['*no_such_asset', 'no_such_asset'],
      ['raw/events,no_such_asset+', 'no_such_asset'],
      ['raw', 'raw'],
    ] as const) {
      assertUnknownAsset(() => resolveAssetSelection(text, SAMPLE_INDEX), key);
    }
  });

  test('an unknown key in the current syntax selects nothing instead of failing', () => {
    assert.deepEqual(resolveAssetSelection('key:no_such_asset', SAMPLE_INDEX), []);
  });
});

describe('resolving parsed expressions', () => {
  test('a parsed expression survives a JSON round trip and resolves the same', () => {
    for (const text of ['+key:marts/daily and not tag:pii', 'roots(group:staging)+1', '*raw/events,lonely', 'tag:<null>']) {
      const expr = parseAssetSelection(text);
      const revived = JSON.parse(JSON.stringify(expr)) as AssetSelectionExpr;
      assert.deepEqual(revived, expr);
      assert.deepEqual(resolveAssetSelection(revived, SAMPLE_INDEX), resolveAssetSelection(text, SAMPLE_INDEX));
    }
  });

  test('results come back sorted by key whatever order the assets were declared in', () => {
    const keys = resolveAssetSelection('*', SAMPLE_INDEX);
    assert.deepEqual(keys, [...keys].sort());
    assert.equal(keys.length, 9);
  });

  test('an unknown key anywhere in an expression fails even where the result would not need it', () => {
    const expr: AssetSelectionExpr = { type: 'or', operands: [{ type: 'all' }, keysSelection(['ghost'])] };
    assertUnknownAsset(() => resolveAssetSelection(expr, SAMPLE_INDEX), 'ghost');
  });

  test('an empty and/or list selects nothing', () => {
    assert.deepEqual(resolveAssetSelection({ type: 'or', operands: [] }, SAMPLE_INDEX), []);
    assert.deepEqual(resolveAssetSelection({ type: 'and', operands: [] }, SAMPLE_INDEX), []);
  });
});

describe('selecting a list of keys', () => {
  test('keysSelection drops duplicates and sorts, so equal lists give equal expressions', () => {
    assert.deepEqual(keysSelection(['raw/users', 'lonely', 'raw/users']), { type: 'keys', keys: ['lonely', 'raw/users'] });
  });

  test('a list of keys selects exactly those keys', () => {
    assert.deepEqual(resolveAssetSelection(keysSelection(['report', 'raw/events']), SAMPLE_INDEX), ['raw/events', 'report']);
    assert.deepEqual(resolveAssetSelection(keysSelection([]), SAMPLE_INDEX), []);
  });

  test('a list with a key the graph does not have is UNKNOWN_ASSET naming it', () => {
    assertUnknownAsset(() => resolveAssetSelection(keysSelection(['report', 'reports']), SAMPLE_INDEX), 'reports');
  });
});

describe('closure flags (--include-upstream, --include-downstream)', () => {
  const rows = [
    [{}, ['staging/users']],
    [{ includeUpstream: true }, ['raw/users', 'staging/users']],
    [{ includeDownstream: true }, ['marts/activity', 'marts/daily', 'report', 'staging/users']],
    [{ includeUpstream: true, includeDownstream: true }, ['marts/activity', 'marts/daily', 'raw/users', 'report', 'staging/users']],
    [{ includeUpstream: false, includeDownstream: false }, ['staging/users']],
  ] as const;
  for (const [flags, expected] of rows) {
    test(`staging/users with ${JSON.stringify(flags)} runs ${expected.join(', ')}`, () => {
      assert.deepEqual(expandAssetClosure(['staging/users'], SAMPLE_INDEX, flags), expected);
    });
  }

  test('closure of several keys unites their ancestors and descendants at every depth', () => {
    assert.deepEqual(expandAssetClosure(['marts/daily', 'lonely'], SAMPLE_INDEX, { includeUpstream: true }), [
      'lonely',
      ...UPSTREAM_OF_DAILY,
    ].sort());
  });

  test('closure of a key the graph does not have is UNKNOWN_ASSET naming it', () => {
    assertUnknownAsset(() => expandAssetClosure(['lonely', 'ghost'], SAMPLE_INDEX, { includeUpstream: true }), 'ghost');
  });
});
