/**
 * API tokens end to end, as an operator sets them up: `arco dev` refuses to serve beyond loopback
 * without a token, `arco token create` works on the store itself (no server needed, and a running
 * `arco dev` picks the token up at its next request), the CLI sends `--token` or `$ARCO_TOKEN`, and
 * `arco token revoke` shuts a token out at once.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { arco, arcoJson, startDev, stopProcess } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SOURCE = `import { defineAsset, defineDefinitions } from 'arco-flow';
const raw = defineAsset({ key: 'raw', compute: async () => {} });
export default defineDefinitions({ assets: [raw] });
`;

interface CreatedToken {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly token: string;
}

describe('arco token and a token-protected arco dev', () => {
  const project = tempProject(SOURCE);
  let dev: Awaited<ReturnType<typeof startDev>> | undefined;
  let ci: CreatedToken;
  after(async () => {
    if (dev) await stopProcess(dev.child);
    project.remove();
  });

  test('arco dev on a store without tokens refuses to listen beyond loopback, and says how to fix it', () => {
    const result = arco(['dev', '--project', project.dir, '--host', '0.0.0.0', '--port', '0', '--no-watch'], { timeoutMs: 60_000 });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /INSECURE_BIND: refusing to listen on 0\.0\.0\.0 without an API token.*arco token create --role admin/);
    assert.doesNotMatch(result.stdout, /is running/);
  });

  test('arco token create prints the token once and the store keeps only its hash', () => {
    const created = arcoJson<CreatedToken>(['token', 'create', '--role', 'operator', '--name', 'ci', '--project', project.dir]);
    assert.equal(created.status, 0, created.stderr);
    ci = created.body;
    assert.deepEqual([ci.name, ci.role], ['ci', 'operator']);
    assert.match(ci.token, /^arco_[0-9a-f]{16}_[0-9a-f]{64}$/);
    const secret = ci.token.split('_')[2] as string;
    const files = ['arco.db', 'arco.db-wal'].map((f) => join(project.dir, '.arco', f)).filter((f) => existsSync(f));
    assert.ok(files.length > 0, 'the store file exists');
    for (const file of files) assert.equal(readFileSync(file).includes(secret), false, `${file} holds no secret`);
  });

  test('arco token list shows names and roles, never a secret', () => {
    const listed = arco(['token', 'list', '--project', project.dir]);
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /ci\s+│\s+operator/);
    assert.equal(listed.stdout.includes(ci.token.split('_')[2] as string), false);
  });

  test('arco dev prints that tokens are required; the CLI without a token is UNAUTHENTICATED, with --token or $ARCO_TOKEN it works', async () => {
    dev = await startDev(['--project', project.dir, '--no-watch']);
    assert.match(dev.output(), /access\s+API tokens required/);
    const refused = arcoJson<{ error: { code: string } }>(['runs', '--url', dev.url]);
    assert.deepEqual([refused.status, refused.body.error.code], [1, 'UNAUTHENTICATED']);
    const withFlag = arcoJson<{ runs: unknown[] }>(['runs', '--url', dev.url, '--token', ci.token]);
    assert.equal(withFlag.status, 0, withFlag.stderr);
    const run = arcoJson<{ runId: string; tags: Record<string, string> }>(['run', '--select', 'raw', '--url', dev.url], { env: { ARCO_TOKEN: ci.token } });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.body.tags['arco/requested_by'], 'ci', 'the run records which token requested it');
  });

  test('an operator token may not create tokens through the server; the store itself may', () => {
    assert.ok(dev);
    const refused = arcoJson<{ error: { code: string; details: { requiredRole: string } } }>(['token', 'create', '--role', 'admin', '--url', dev.url, '--token', ci.token]);
    assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.details.requiredRole], [1, 'FORBIDDEN', 'admin']);
    const admin = arcoJson<CreatedToken>(['token', 'create', '--role', 'admin', '--name', 'root', '--project', project.dir]);
    assert.equal(admin.status, 0, admin.stderr);
    const viaServer = arcoJson<{ tokens: { name: string }[] }>(['token', 'list', '--url', dev.url, '--token', admin.body.token]);
    assert.deepEqual(viaServer.body.tokens.map((t) => t.name).sort(), ['ci', 'root']);
  });

  test('arco token revoke shuts the token out of the running server at its next request', () => {
    assert.ok(dev);
    const revoked = arcoJson<{ name: string; revokedAt: string | null }>(['token', 'revoke', 'ci', '--project', project.dir]);
    assert.equal(revoked.status, 0, revoked.stderr);
    assert.equal(revoked.body.name, 'ci');
    assert.notEqual(revoked.body.revokedAt, null);
    const refused = arcoJson<{ error: { code: string; message: string } }>(['runs', '--url', dev.url, '--token', ci.token]);
    assert.deepEqual([refused.status, refused.body.error.code], [1, 'UNAUTHENTICATED']);
    assert.match(refused.body.error.message, /revoked/);
    const unknown = arcoJson<{ error: { code: string } }>(['token', 'revoke', 'nobody', '--project', project.dir]);
    assert.deepEqual([unknown.status, unknown.body.error.code], [1, 'UNKNOWN_TOKEN']);
  });
});
