/**
 * Changing an asset's dependencies between two materializations (STL-05), end to end: the
 * definitions file is edited and `arco asset stale` run again, as an operator would after a deploy.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const definitions = (cleanDeps: string) => `import { defineAsset, defineDefinitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async () => {} });
const extra = defineAsset({ key: 'extra', compute: async () => {} });
const clean = defineAsset({ key: 'clean', deps: [${cleanDeps}], compute: async () => {} });
export default defineDefinitions({ assets: [raw, extra, clean] });
`;

interface StaleJson {
  assetKey: string;
  status: string;
  causes: { category: string; reason: string; dependency: { assetKey: string } | null }[];
}

describe('a changed dependency makes the asset stale', () => {
  const project = tempProject(definitions('raw'));
  after(() => project.remove());
  const cleanNow = () => arcoJson<StaleJson[]>(['asset', 'stale', '--project', project.dir, '--select', 'clean']).body[0];

  test('after its definition gains a dependency and loses another, the asset is STALE with a DEPENDENCIES cause for each, and a run makes it FRESH', () => {
    assert.equal(arcoJson<{ status: string }>(['run', '--project', project.dir, '--select', '*', '--wait']).body.status, 'SUCCESS');
    assert.equal(cleanNow()?.status, 'FRESH');

    writeFileSync(project.file, definitions('extra'));
    const clean = cleanNow();
    assert.equal(clean?.status, 'STALE');
    assert.deepEqual(
      clean?.causes.map((c) => [c.category, c.reason, c.dependency?.assetKey]),
      [
        ['DEPENDENCIES', 'has a new dependency on extra', 'extra'],
        ['DEPENDENCIES', 'removed dependency on raw', 'raw'],
      ],
    );
    assert.match(arco(['asset', 'stale', '--project', project.dir, '--select', 'clean']).stdout, /clean.*STALE.*has a new dependency on extra/);

    assert.equal(arcoJson<{ status: string }>(['run', '--project', project.dir, '--select', 'clean', '--wait']).body.status, 'SUCCESS');
    assert.equal(cleanNow()?.status, 'FRESH');
  });
});
