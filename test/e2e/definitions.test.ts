/**
 * `arco definitions validate` as a user runs it: a valid project prints a summary and exits 0; a
 * project whose definitions do not load prints the load error (code, message, where) and exits 1.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const VALID = `import { defineAsset, defineDefinitions, defineSchedule, defineSensor, dailyPartitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async () => {} });
const days = defineAsset({ key: 'days', deps: [raw], partitions: dailyPartitions({ start: '2024-01-01' }), compute: async () => {} });
export default defineDefinitions({
  assets: [raw, days],
  schedules: [defineSchedule({ name: 'nightly', cron: '0 2 * * *', target: [raw] })],
  sensors: [defineSensor({ name: 'files', target: [raw], evaluate: () => {} })],
});
`;

type Validation = { valid: boolean; file: string | null; summary: Record<string, number> | null; errors: { code: string; message: string; details: Record<string, unknown> }[] };

/** Runs `arco definitions validate --json` on a project with `source`. */
function validate(source: string): { status: number | null; body: Validation } {
  const project = tempProject(source);
  try {
    return arcoJson<Validation>(['definitions', 'validate', '--project', project.dir]);
  } finally {
    project.remove();
  }
}

describe('arco definitions validate', () => {
  test('valid definitions print a summary of assets, schedules and sensors and exit 0', () => {
    const { status, body } = validate(VALID);
    assert.deepEqual([status, body.valid, body.summary, body.errors], [0, true, { assets: 2, partitionedAssets: 1, schedules: 1, sensors: 1 }, []]);
    const project = tempProject(VALID);
    try {
      const text = arco(['definitions', 'validate', '--project', project.dir]);
      assert.equal(text.status, 0);
      assert.match(text.stdout, /valid .*definitions\.ts: 2 assets \(1 partitioned\), 1 schedules, 1 sensors/);
    } finally {
      project.remove();
    }
  });

  test("validating starts nothing and leaves no store behind, as Dagster's validate", () => {
    const project = tempProject(VALID);
    try {
      const { status } = arcoJson<Validation>(['definitions', 'validate', '--project', project.dir]);
      assert.equal(status, 0);
      assert.equal(existsSync(join(project.dir, '.arco')), false);
    } finally {
      project.remove();
    }
  });

  test('definitions that import() a TypeScript file by a URL computed at run time load with ARCO_DEFINITIONS_LOADER=tsx', () => {
    const project = tempProject(
      `import { defineDefinitions } from 'arco-flow';\nconst where = new URL('./more.ts', import.meta.url).href;\nconst { assets } = await import(where);\nexport default defineDefinitions({ assets });\n`,
    );
    try {
      writeFileSync(join(project.dir, 'more.ts'), `import { defineAsset } from 'arco-flow';\nexport const assets = [defineAsset({ key: 'late', compute: async () => {} })];\n`);
      // The compiled bundle holds what the definitions import by name; a URL built at run time
      // is imported by Node itself, which does not load TypeScript.
      const bundled = arcoJson<Validation>(['definitions', 'validate', '--project', project.dir]);
      assert.deepEqual([bundled.status, bundled.body.errors.map((e) => e.code)], [1, ['DEFINITIONS_LOAD_FAILED']]);
      const throughTsx = arcoJson<Validation>(['definitions', 'validate', '--project', project.dir], { env: { ARCO_DEFINITIONS_LOADER: 'tsx' } });
      assert.deepEqual([throughTsx.status, throughTsx.body.summary?.assets], [0, 1]);
    } finally {
      project.remove();
    }
  });

  const broken: { title: string; source: string; code: string; names: RegExp }[] = [
    { title: 'a dependency on an asset that is not defined is a load error naming it, with exit 1', source: VALID.replace('assets: [raw, days]', 'assets: [days]'), code: 'UNKNOWN_DEPENDENCY', names: /raw/ },
    { title: 'an impossible cron is a load error naming the schedule, with exit 1', source: VALID.replace("'0 2 * * *'", "'0 0 30 2 *'"), code: 'INVALID_CRON', names: /nightly/ },
    { title: 'an unknown option is a load error suggesting the nearest one, with exit 1', source: VALID.replace("key: 'raw',", "key: 'raw', dependencies: [],"), code: 'INVALID_DEFINITION', names: /deps/ },
    { title: 'a definitions file that throws while importing is DEFINITIONS_LOAD_FAILED, with exit 1', source: `throw new Error('no config');\n${VALID}`, code: 'DEFINITIONS_LOAD_FAILED', names: /no config/ },
  ];
  for (const b of broken) {
    test(b.title, () => {
      const { status, body } = validate(b.source);
      assert.deepEqual([status, body.valid, body.summary, body.errors.map((e) => e.code)], [1, false, null, [b.code]]);
      assert.match(body.errors[0]?.message ?? '', b.names);
    });
  }
});
