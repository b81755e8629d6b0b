/** `arco asset list` and `arco asset status` show each asset's freshness: PASS, WARN, FAIL or UNKNOWN, nothing without a policy. */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const report = defineAsset({ key: 'report', freshness: { failAfter: '1d', warnAfter: '12h' }, compute: async () => {} });
const later = defineAsset({ key: 'later', freshness: { maxLagMinutes: 60 }, compute: async () => {} });
const plain = defineAsset({ key: 'plain', compute: async () => {} });
export default defineDefinitions({ assets: [report, later, plain] });
`;

/** The cell in column `column` of each table row, by the row's first cell (the asset key). */
function columnOf(table: string, column: string): Map<string, string | undefined> {
  const lines = table.split('\n').filter((l) => l.includes('│') || l.includes('|'));
  const [header = [], ...rows] = lines.map((l) => l.split(/[│|]/).slice(1, -1).map((c) => c.trim()));
  const index = header.indexOf(column);
  assert.ok(index > 0, `a ${column} column in ${header.join(', ')}`);
  return new Map(rows.map((row) => [row[0] ?? '', row[index]]));
}

describe('arco asset list freshness column', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());

  test('a just-materialized asset is PASS, a never-materialized one UNKNOWN, one without a policy blank', () => {
    assert.equal(arcoJson<{ status: string }>(['run', '--project', project.dir, '--select', 'report', '--wait']).body.status, 'SUCCESS');
    const result = arco(['asset', 'list', '--project', project.dir]);
    assert.equal(result.status, 0, result.stderr);
    const freshness = columnOf(result.stdout, 'freshness');
    assert.deepEqual(['later', 'plain', 'report'].map((key) => freshness.get(key)), ['UNKNOWN', '', 'PASS']);
    const json = arcoJson<{ key: string; freshness: { state: string; failAfterMinutes: number; warnAfterMinutes: number | null } | null }[]>(['asset', 'list', '--project', project.dir]).body;
    assert.deepEqual(json.map((a) => [a.key, a.freshness?.state ?? null, a.freshness?.failAfterMinutes ?? null, a.freshness?.warnAfterMinutes ?? null]), [
      ['later', 'UNKNOWN', 60, null],
      ['plain', null, null, null],
      ['report', 'PASS', 1440, 720],
    ]);
  });

  test('arco asset status shows the freshness now beside the partition status, and nothing for an asset without a policy', () => {
    const report = arco(['asset', 'status', 'report', '--project', project.dir]);
    assert.equal(report.status, 0, report.stderr);
    assert.match(report.stdout, /freshness: PASS \(last materialized \d+ min ago; warn after 720 min, fail after 1,440 min\)/);
    const later = arcoJson<{ freshness: { state: string } | null }>(['asset', 'status', 'later', '--project', project.dir]).body;
    assert.equal(later.freshness?.state, 'UNKNOWN');
    const plain = arco(['asset', 'status', 'plain', '--project', project.dir]);
    assert.equal(plain.status, 0, plain.stderr);
    assert.doesNotMatch(plain.stdout, /freshness/);
  });
});

const CRON_SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const report = defineAsset({ key: 'report', freshness: { deadlineCron: '0 9 * * *', lowerBound: '1h', timezone: 'Europe/Paris' }, compute: async () => {} });
export default defineDefinitions({ assets: [report] });
`;

describe('arco asset status with a cron freshness policy', () => {
  const project = tempProject(CRON_SOURCE);
  after(() => project.remove());

  test('shows the deadline, its timezone and the window, UNKNOWN before the first materialization and PASS just after', () => {
    const unknown = arco(['asset', 'status', 'report', '--project', project.dir]);
    assert.equal(unknown.status, 0, unknown.stderr);
    assert.match(unknown.stdout, /freshness: UNKNOWN \(never materialized; due by 0 9 \* \* \* \(Europe\/Paris\), materialized within 1h before\)/);
    // Whatever the real time, a materialization just made is at or after the latest deadline.
    assert.equal(arcoJson<{ status: string }>(['run', '--project', project.dir, '--select', 'report', '--wait']).body.status, 'SUCCESS');
    const passing = arco(['asset', 'status', 'report', '--project', project.dir]);
    assert.equal(passing.status, 0, passing.stderr);
    assert.match(passing.stdout, /freshness: PASS \(last materialized \d+ min ago; due by 0 9 \* \* \* \(Europe\/Paris\), materialized within 1h before\)/);
    const json = arcoJson<{ freshness: { state: string; policy: unknown; failAfterMinutes: number | null; nextChangeAt: string | null } | null }>(['asset', 'status', 'report', '--project', project.dir]).body;
    assert.deepEqual([json.freshness?.state, json.freshness?.policy, json.freshness?.failAfterMinutes], [
      'PASS',
      { kind: 'cron', deadlineCron: '0 9 * * *', lowerBoundMinutes: 60, timezone: 'Europe/Paris' },
      null,
    ]);
    assert.match(json.freshness?.nextChangeAt ?? '', /^\d{4}-\d\d-\d\dT0[78]:00:00\.000Z$/, 'the next 09:00 in Paris, in UTC');
  });
});
