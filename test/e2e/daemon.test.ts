/**
 * `arco daemon` and `arco instance info` as an operator meets them on one machine: the daemon needs
 * its store named, and instance info reports the store, the settings in force and the daemons.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { arco, arcoJson } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async () => {} });
export default defineDefinitions({ assets: [raw], instance: { runRetries: { max: 2 } } });
`;

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

interface InstanceInfo {
  readonly version: string;
  readonly store: { engine: string; location: string | null };
  readonly settings: { runRetries: { max: number } };
  readonly leader: unknown;
  readonly daemons: unknown[];
  readonly workers: unknown[];
}

describe('arco daemon and arco instance info', () => {
  const project = tempProject(SOURCE);
  after(() => project.remove());

  test('arco daemon refuses to start without --db or $ARCO_DB, naming both', () => {
    const env = { ...process.env };
    delete env.ARCO_DB;
    const result = arco(['daemon', '--project', project.dir], { env: env as Record<string, string> });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /--db/);
    assert.match(result.stderr, /ARCO_DB/);
  });

  test('arco instance info shows the version, the store engine and location, the instance settings of the definitions, and no leader before any daemon ran', () => {
    const db = join(project.dir, 'instance.db');
    const { status, body, stderr } = arcoJson<InstanceInfo>(['instance', 'info', '--project', project.dir, '--db', db]);
    assert.equal(status, 0, stderr);
    assert.equal(body.version, VERSION);
    assert.deepEqual(body.store, { engine: 'sqlite', location: db });
    assert.equal(body.settings.runRetries.max, 2);
    assert.equal(body.leader, null);
    assert.deepEqual(body.daemons, []);
    assert.deepEqual(body.workers, []);
  });
});
