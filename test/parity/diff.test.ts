import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diffMatrices, formatDiff, parseMatrix } from '../../src/parity/index.js';
import { fixtureMatrix, setCell } from './fixture-repo.js';

function rowsOf(markdown: string) {
  return parseMatrix(markdown).rows;
}

describe('parity diff', () => {
  const before = fixtureMatrix();

  test('reports nothing between a matrix and itself', () => {
    const diff = diffMatrices(rowsOf(before), rowsOf(before), 'a', 'b');
    assert.deepEqual([diff.added, diff.removed, diff.changed], [[], [], []]);
    assert.match(formatDiff(diff), /0 status changed, 0 added, 0 removed, 0 otherwise changed/);
  });

  test('lists status changes before other changes, with the cells that changed alongside', () => {
    let after = setCell(before, 'SEN-01', 'Notes', 'Reworded.');
    after = setCell(after, 'PRD-01', 'Status', 'Designed');
    after = setCell(after, 'PRD-01', 'Notes', 'SEMANTICS §1.');
    const diff = diffMatrices(rowsOf(before), rowsOf(after), 'a', 'b');
    assert.deepEqual(diff.changed.map((change) => [change.id, change.statusFrom ?? null, change.status]), [
      ['PRD-01', 'Planned', 'Designed'],
      ['SEN-01', null, 'Designed'],
    ]);
    assert.deepEqual(diff.changed[0]?.fields, [{ column: 'Notes', from: '', to: 'SEMANTICS §1.' }]);
  });

  test('follows a row by its id when its statement is reworded or it moves section', () => {
    const reworded = setCell(before, 'BF-01', 'Capability', '**BF-01** A backfill turns each widget once.');
    const moved = reworded.replace('## Backfills', '## Partitions again');
    const diff = diffMatrices(rowsOf(before), rowsOf(moved), 'a', 'b');
    assert.deepEqual(diff.added, []);
    assert.deepEqual(diff.removed, []);
    assert.deepEqual(diff.changed[0]?.fields.map((field) => field.column), ['Section', 'Capability']);
  });

  test('lists added and removed rows and the status totals before and after', () => {
    const after = before
      .replace(/^\| \*\*STL-01\*\*.*\n/m, '')
      .replace(/(\| \*\*SCH-02\*\*.*\n)/, '$1| **SCH-03** A widget pauses. | pause | Planned | unit |  |  |  | TBD |  | 04 |\n');
    const diff = diffMatrices(rowsOf(before), rowsOf(after), 'HEAD', 'working tree');
    assert.deepEqual(diff.added.map((row) => row.id), ['SCH-03']);
    assert.deepEqual(diff.removed.map((row) => row.id), ['STL-01']);
    assert.equal(diff.statusTotals.from.Planned, diff.statusTotals.to.Planned);
    const text = formatDiff(diff);
    assert.match(text, /^parity matrix HEAD → working tree: 0 status changed, 1 added, 1 removed, 0 otherwise changed$/m);
    assert.match(text, /^ {2}\+ SCH-03 +Planned +A widget pauses\.$/m);
    assert.match(text, /^ {2}- STL-01 +Planned +A widget turned with old code is stale\.$/m);
  });

  test('prints a status change on one line with the old and new status', () => {
    const after = setCell(before, 'SCH-02', 'Status', 'Designed');
    const text = formatDiff(diffMatrices(rowsOf(before), rowsOf(after), 'a', 'b'));
    assert.match(text, /^Status\n {2}SCH-02 +Planned → Designed +A widget stops when told\.$/m);
    assert.match(text, /Totals: Implemented 1→1 · Partial 1→1 · Designed 1→2 \(\+1\) · Planned 6→5 \(−1\) · Exception 1→1/);
  });

  test('treats a matrix that did not exist yet as empty, so every row is added', () => {
    const diff = diffMatrices([], rowsOf(before), 'a', 'b');
    assert.equal(diff.added.length, rowsOf(before).length);
  });
});
