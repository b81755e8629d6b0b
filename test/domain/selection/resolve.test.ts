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

type Row = readonly [title: string, selection: string, expected: readonly string[]];

function runTable(rows: readonly Row[]): void {
  for (const [title, selection, expected] of rows) {
    test(title, () => {
      assert.deepEqual(resolveAssetSelection(selection, SAMPLE_INDEX), expected);
    });
  }
}

function assertUnknownAsset(run: () => unknown, key: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(isArcoError(error));
    assert.equal(error.code, 'UNKNOWN_ASSET');
    assert.equal(error.details?.key, key);
    return true;
  });
}

const UPSTREAM_OF_DAILY = ['marts/activity', 'marts/daily', 'raw/events', 'raw/users', 'staging/events', 'staging/sessions', 'staging/users'];
const DOWNSTREAM_OF_RAW_EVENTS = ['marts/activity', 'marts/daily', 'raw/events', 'report', 'staging/events', 'staging/sessions'];

describe('selecting assets by key', () => {
  runTable([
    ['the selection * selects every asset', '*', ALL_KEYS],
    ['key:raw/events selects that one asset', 'key:raw/events', ['raw/events']],
    ['a quoted key selects the same asset as an unquoted one', 'key:"raw/events"', ['raw/events']],
    ['key: selects an asset that has no dependencies and no dependents', 'key:lonely', ['lonely']],
    ['key:raw does not match the longer keys raw/events and raw/users', 'key:raw', []],
    ['key: naming no asset selects nothing', 'key:no_such_asset', []],
    ['key:raw/* selects every asset under raw/', 'key:raw/*', ['raw/events', 'raw/users']],
    ['a wildcard inside quotes still matches', 'key:"raw/*"', ['raw/events', 'raw/users']],
    ['a leading wildcard matches the end of keys', 'key:*events', ['raw/events', 'staging/events']],
    ['a wildcard in the middle of a key matches across the slash', 'key:r*s', ['raw/events', 'raw/users']],
    ['several wildcards in one key each match', 'key:*/*s*', ['raw/events', 'raw/users', 'staging/events', 'staging/sessions', 'staging/users']],
    ['several wildcards after a fixed prefix each match', 'key:staging/*s*ion*', ['staging/sessions']],
    ['key:* selects every asset', 'key:*', ALL_KEYS],
  ]);
});

describe('selecting assets by tag, group, owner and kind', () => {
  runTable([
    ['tag:team=data selects the assets with that tag value', 'tag:team=data', ['raw/events', 'raw/users', 'staging/events', 'staging/users']],
    ['a quoted tag key and value select the same assets as unquoted ones', 'tag:"team"="data"', ['raw/events', 'raw/users', 'staging/events', 'staging/users']],
    ['a quoted tag value may contain a dash', 'tag:team="platform-eng"', ['staging/sessions']],
    ['a tag value must match whole, not as a prefix', 'tag:team=platform', []],
    ['tag:pii without a value selects the assets with that tag, whatever its value', 'tag:pii', ['raw/events', 'raw/users', 'staging/users']],
    ['tag:pii=true selects only the assets whose pii tag is true', 'tag:pii=true', ['raw/users', 'staging/users']],
    ['tag:pii="" selects only the assets whose pii tag is empty', 'tag:pii=""', ['raw/events']],
    ['a tag no asset has selects nothing', 'tag:no_such_tag', []],
    ['tag:<null> selects the assets without tags', 'tag:<null>', ['lonely', 'report']],
    ['group:staging selects the assets in that group', 'group:staging', ['staging/events', 'staging/sessions', 'staging/users']],
    ['a quoted group name selects that group', 'group:"marts"', ['marts/activity', 'marts/daily']],
    ['group:<null> selects the assets without a group', 'group:<null>', ['lonely', 'report']],
    ['owner: selects the assets owned by a user, given as a quoted email', 'owner:"alice@example.com"', ['raw/events', 'staging/users']],
    ['owner: selects the assets owned by a team, given as a quoted team:name', 'owner:"team:analytics"', ['marts/activity', 'marts/daily']],
    ['an owner must match whole, not as a prefix', 'owner:alice', []],
    ['owner:<null> selects the assets without owners', 'owner:<null>', ['lonely', 'report', 'staging/events', 'staging/sessions']],
    ['kind:dbt selects the assets of that kind', 'kind:dbt', ['marts/activity', 'staging/events', 'staging/sessions', 'staging/users']],
    ['kind:snowflake selects the assets that have snowflake among their kinds', 'kind:snowflake', ['marts/activity', 'marts/daily']],
    ['kind:<null> selects the assets without a kind', 'kind:<null>', ['report']],
  ]);
});

describe('walking upstream and downstream', () => {
  runTable([
    ['+key:marts/daily selects an asset and all its upstream assets', '+key:marts/daily', UPSTREAM_OF_DAILY],
    ['1+key:marts/daily selects an asset and its direct upstream assets', '1+key:marts/daily', ['marts/activity', 'marts/daily']],
    ['2+key:marts/daily selects an asset and its upstream assets up to two levels away', '2+key:marts/daily', ['marts/activity', 'marts/daily', 'staging/events', 'staging/sessions', 'staging/users']],
    ['an upstream depth beyond the furthest ancestor selects all ancestors', '3+key:marts/daily', UPSTREAM_OF_DAILY],
    ['upstream depth 0 selects only the asset itself', '0+key:marts/daily', ['marts/daily']],
    ['key:raw/events+ selects an asset and all its downstream assets', 'key:raw/events+', DOWNSTREAM_OF_RAW_EVENTS],
    ['key:raw/events+1 selects an asset and its direct downstream assets', 'key:raw/events+1', ['raw/events', 'staging/events', 'staging/sessions']],
    ['key:raw/events+2 selects an asset and its downstream assets up to two levels away', 'key:raw/events+2', ['marts/activity', 'raw/events', 'staging/events', 'staging/sessions']],
    ['downstream depth 0 selects only the asset itself', 'key:raw/events+0', ['raw/events']],
    ['spaces around + and its depth are allowed', 'key:raw/events + 1', ['raw/events', 'staging/events', 'staging/sessions']],
    ['a depth on both sides walks one level up and one level down', '1+key:marts/activity+1', ['marts/activity', 'marts/daily', 'staging/events', 'staging/sessions', 'staging/users']],
    ['walking all the way up and down from the middle reaches every connected asset', '+key:marts/activity+', allExcept('lonely')],
    ['walking from an asset with no neighbours selects only that asset', '+key:lonely+', ['lonely']],
    ['a downstream depth applies to every asset a wildcard matches', 'key:raw/*+1', ['raw/events', 'raw/users', 'staging/events', 'staging/sessions', 'staging/users']],
    ['a downstream depth applies to a parenthesised selection', '(key:raw/events or key:raw/users)+1', ['raw/events', 'raw/users', 'staging/events', 'staging/sessions', 'staging/users']],
    ['an upstream depth applies to a whole group', '1+group:marts', ['marts/activity', 'marts/daily', 'staging/events', 'staging/sessions', 'staging/users']],
    ['the assets between two assets are downstream of one and upstream of the other', 'key:raw/events+ and +key:marts/daily', ['marts/activity', 'marts/daily', 'raw/events', 'staging/events', 'staging/sessions']],
    ['walking down from an asset nothing depends on selects only that asset', 'key:report+', ['report']],
    ['walking from a key that matches nothing selects nothing', '+key:no_such_asset', []],
  ]);
});

describe('combining with and, or, not and parentheses', () => {
  runTable([
    ['or selects the assets either term selects', 'group:raw or group:marts', ['marts/activity', 'marts/daily', 'raw/events', 'raw/users']],
    ['OR in capitals works like or', 'group:raw OR group:marts', ['marts/activity', 'marts/daily', 'raw/events', 'raw/users']],
    ['and selects the assets both terms select', 'tag:team=data and kind:dbt', ['staging/events', 'staging/users']],
    ['AND in capitals works like and', 'tag:team=data AND kind:dbt', ['staging/events', 'staging/users']],
    ['and not removes the assets the second term selects', 'tag:team=data and not group:raw', ['staging/events', 'staging/users']],
    ['not selects every asset the term does not select', 'not group:raw', allExcept('raw/events', 'raw/users')],
    ['NOT in capitals works like not', 'NOT group:raw', allExcept('raw/events', 'raw/users')],
    ['not not cancels out', 'not not group:raw', ['raw/events', 'raw/users']],
    ['not * selects nothing', 'not *', []],
    ['* and not * selects nothing', '* and not *', []],
    // and binds tighter than or
    ['and binds tighter than or when and comes second', 'group:raw or group:staging and tag:team="platform-eng"', ['raw/events', 'raw/users', 'staging/sessions']],
    ['parentheses make or apply before and', '(group:raw or group:staging) and tag:team="platform-eng"', ['staging/sessions']],
    ['and binds tighter than or when and comes first', 'group:staging and tag:team="platform-eng" or group:raw', ['raw/events', 'raw/users', 'staging/sessions']],
    // not binds tighter than and
    ['not binds tighter than and', 'not group:raw and kind:s3', []],
    ['parentheses make and apply before not', 'not (group:raw and kind:s3)', allExcept('raw/events', 'raw/users')],
    // traversal binds tighter than not
    ['a + walk binds tighter than not', 'not key:raw/events+', ['lonely', 'raw/users', 'staging/users']],
    ['a + walk after parentheses binds tighter than not', 'not (key:raw/events)+', ['lonely', 'raw/users', 'staging/users']],
    ['extra spaces around terms and operators are ignored', '  key:raw/events   or   key:lonely  ', ['lonely', 'raw/events']],
    ['an asset both sides of or select appears once', 'key:lonely or key:lonely', ['lonely']],
  ]);
});

describe('roots and sinks of a selection', () => {
  runTable([
    ['roots(*) selects the assets with no upstream assets', 'roots(*)', ['lonely', 'raw/events', 'raw/users']],
    ['sinks(*) selects the assets nothing depends on', 'sinks(*)', ['lonely', 'report']],
    ['roots of a group are its assets with no upstream asset in the group', 'roots(group:staging)', ['staging/events', 'staging/sessions', 'staging/users']],
    ['sinks of a group are its assets with no downstream asset in the group', 'sinks(group:marts)', ['marts/daily']],
    // an ancestor counts even when the assets between are not selected
    ['roots(…) looks through unselected assets in between', 'roots(key:staging/events or key:marts/daily)', ['staging/events']],
    ['sinks(…) looks through unselected assets in between', 'sinks(key:raw/events or key:marts/daily)', ['marts/daily']],
    ['the roots of unrelated assets are each of them', 'roots(key:raw/users or key:staging/events)', ['raw/users', 'staging/events']],
    ['roots(…) of a tag selection keeps the tagged assets with no tagged upstream asset', 'roots(tag:team=data)', ['raw/events', 'raw/users']],
    ['a downstream depth applies to the result of roots(…)', 'roots(tag:team=data)+1', ['raw/events', 'raw/users', 'staging/events', 'staging/sessions', 'staging/users']],
    ['the sink of an upstream walk is the asset walked from', 'sinks(+key:marts/activity)', ['marts/activity']],
    ['spaces inside roots( … ) are allowed', 'roots( key:marts/* )', ['marts/activity']],
    ['roots(…) and sinks(…) nest', 'roots(sinks(*))', ['lonely', 'report']],
    ['only an isolated asset is both a root and a sink', 'sinks(*) and roots(*)', ['lonely']],
    ['the roots of an empty selection are nothing', 'roots(key:no_such_asset)', []],
  ]);
});

describe('the legacy comma syntax, where + is one level and * is all levels', () => {
  runTable([
    ['legacy: a bare key selects that asset', 'raw/events', ['raw/events']],
    ['legacy: a bare key of an isolated asset selects it', 'lonely', ['lonely']],
    ['legacy: *key selects the asset and all its upstream assets', '*marts/daily', UPSTREAM_OF_DAILY],
    ['legacy: +key selects the asset and one level up', '+marts/daily', ['marts/activity', 'marts/daily']],
    ['legacy: ++key selects the asset and two levels up', '++marts/daily', ['marts/activity', 'marts/daily', 'staging/events', 'staging/sessions', 'staging/users']],
    ['legacy: key+ selects the asset and one level down', 'raw/events+', ['raw/events', 'staging/events', 'staging/sessions']],
    ['legacy: key++ selects the asset and two levels down', 'raw/events++', ['marts/activity', 'raw/events', 'staging/events', 'staging/sessions']],
    ['legacy: key* selects the asset and all its downstream assets', 'raw/events*', DOWNSTREAM_OF_RAW_EVENTS],
    ['legacy: *key+ selects all upstream assets and one level down', '*marts/activity+', UPSTREAM_OF_DAILY],
    ['legacy: *key* selects all upstream and all downstream assets', '*raw/events*', DOWNSTREAM_OF_RAW_EVENTS],
    ['legacy: a comma list selects each listed asset', 'raw/events,raw/users', ['raw/events', 'raw/users']],
    ['legacy: spaces around commas are ignored', ' raw/events , lonely ', ['lonely', 'raw/events']],
    ['legacy: each item of a comma list takes its own walk', '+staging/users,lonely+', ['lonely', 'raw/users', 'staging/users']],
    ['legacy: a comma list may mix current-syntax terms and bare keys', 'key:raw/*,lonely', ['lonely', 'raw/events', 'raw/users']],
    ['legacy: an unquoted tag value may contain a dash', 'tag:team=platform-eng', ['staging/sessions']],
    ['legacy: a tag term can be an item of a comma list', 'tag:team=platform-eng,lonely', ['lonely', 'staging/sessions']],
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
    ['with no closure flags only the selected asset runs', {}, ['staging/users']],
    ['--include-upstream adds every upstream asset', { includeUpstream: true }, ['raw/users', 'staging/users']],
    ['--include-downstream adds every downstream asset', { includeDownstream: true }, ['marts/activity', 'marts/daily', 'report', 'staging/users']],
    ['both closure flags add every upstream and every downstream asset', { includeUpstream: true, includeDownstream: true }, ['marts/activity', 'marts/daily', 'raw/users', 'report', 'staging/users']],
    ['closure flags set to false add nothing', { includeUpstream: false, includeDownstream: false }, ['staging/users']],
  ] as const;
  for (const [title, flags, expected] of rows) {
    test(title, () => {
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
