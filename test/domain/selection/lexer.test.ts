import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../../src/domain/selection/lexer.js';

describe('tokenizing a selection', () => {
  test('words keep letters, digits, _, / and * together; punctuation stands alone', () => {
    const tokens = tokenize('2+key:raw/*_v2+3 and tag:"a b"=<null>');
    assert.deepEqual(
      tokens.map((t) => [t.kind, t.value, t.start]),
      [
        ['word', '2', 0],
        ['plus', '+', 1],
        ['word', 'key', 2],
        ['colon', ':', 5],
        ['word', 'raw/*_v2', 6],
        ['plus', '+', 14],
        ['word', '3', 15],
        ['word', 'and', 17],
        ['word', 'tag', 21],
        ['colon', ':', 24],
        ['string', 'a b', 25],
        ['equal', '=', 30],
        ['null', '<null>', 31],
        ['eof', '', 37],
      ],
    );
  });

  test('a token remembers whether whitespace came before it', () => {
    assert.deepEqual(tokenize('a -b').map((t) => t.spaced), [false, true, false, false]);
  });

  test('characters outside the syntax become invalid tokens for the parser to report', () => {
    assert.deepEqual(tokenize('a-b').map((t) => t.kind), ['word', 'invalid', 'word', 'eof']);
    assert.deepEqual(tokenize('<nul').map((t) => t.kind), ['invalid', 'word', 'eof']);
  });
});
