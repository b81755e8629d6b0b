import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssetSelectionIndex, keysSelection, resolveAssetSelection } from '../../../src/domain/selection/index.js';
import { didYouMean, editDistance, nearestNames } from '../../../src/domain/suggestions/index.js';

describe('nearest names ("did you mean")', () => {
  const rows: [title: string, name: string, known: string[], expected: string[]][] = [
    ['a missing letter finds the asset key', 'raw_event', ['raw_events', 'report', 'orders'], ['raw_events']],
    ['two swapped letters count as one edit', 'cmopute', ['key', 'compute', 'deps'], ['compute']],
    ['snake_case finds the camelCase option', 'code_version', ['codeVersion', 'description'], ['codeVersion']],
    ['a known name that abbreviates the given one is suggested: dependencies → deps', 'dependencies', ['key', 'deps', 'compute'], ['deps']],
    ['nothing near gives no suggestion', 'zzz', ['key', 'deps', 'compute'], []],
    ['a one-letter name is never "near" a different one-letter name', 'a', ['b', 'c'], []],
    ['nearest first, at most three', 'abcd', ['abxy', 'abcx', 'abce', 'abcf', 'abcg'], ['abcx', 'abce', 'abcf']],
  ];
  for (const [title, name, known, expected] of rows) {
    test(title, () => assert.deepEqual(nearestNames(name, known), expected));
  }

  test('the exact name is not suggested to itself', () => {
    assert.deepEqual(nearestNames('daily', ['daily', 'dailyy']), ['dailyy']);
  });

  test('edit distance stops early past its bound', () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('kitten', 'sitting', 1), 2);
  });

  test('the message sentence lists one, two or three names', () => {
    assert.equal(didYouMean([]), '');
    assert.equal(didYouMean(['deps']), '; did you mean "deps"?');
    assert.equal(didYouMean(['a', 'b', 'c']), '; did you mean "a", "b" or "c"?');
  });
});

describe('selecting an asset by a key that does not exist', () => {
  test('is UNKNOWN_ASSET suggesting the nearest asset keys', () => {
    const asset = (key: string) => ({ key, deps: [], tags: {}, owners: [], kinds: [] });
    const index = AssetSelectionIndex.build([asset('raw/events'), asset('raw/users')]);
    assert.throws(() => resolveAssetSelection(keysSelection(['raw/event']), index), {
      code: 'UNKNOWN_ASSET',
      message: 'unknown asset "raw/event" in the selection; did you mean "raw/events"?',
      details: { key: 'raw/event', suggestions: ['raw/events'] },
    });
  });
});
