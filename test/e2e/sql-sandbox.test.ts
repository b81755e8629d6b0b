/**
 * The attack that froze `arco dev` for good (issue 15): one `GET /api/v1/sql` with an endless
 * recursive query. With the sandbox the server keeps answering other requests while the query
 * runs, the query ends in SQL_TIMEOUT, and SIGTERM still stops the server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { startDev, stopProcess } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';
import { TWO_ASSETS } from '../helpers/server.js';

const ENDLESS = 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT count(*) FROM r';
/** Only a bound for a broken server (which would never answer), not a speed target. */
const HUNG_MS = 30_000;

/**
 * One GET on a connection of its own that closes after the answer: an idle keep-alive connection
 * would hold the server's close open, which is not what this test is about.
 */
function get(url: string): Promise<{ status: number; json: { code?: string } }> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { agent: false, timeout: HUNG_MS }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(body) as { code?: string } }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${HUNG_MS} ms`)));
    request.on('error', reject);
  });
}

describe('arco dev under an endless SQL query', () => {
  const project = tempProject(TWO_ASSETS);
  let dev: Awaited<ReturnType<typeof startDev>>;
  before(async () => {
    dev = await startDev(['--project', project.dir]);
  });
  after(async () => {
    await stopProcess(dev.child, 'SIGKILL');
    project.remove();
  });

  test('other requests are answered while it runs, it ends in SQL_TIMEOUT, and SIGTERM stops the server during another one', { timeout: 120_000 }, async () => {
    const order: string[] = [];
    const endless = get(`${dev.url}/api/v1/sql?q=${encodeURIComponent(ENDLESS)}`).finally(() => order.push('sql'));
    const runs = await get(`${dev.url}/api/v1/runs`).finally(() => order.push('runs'));
    assert.equal(runs.status, 200);
    assert.deepEqual(order, ['runs'], 'answered while the query was still running');
    const stopped = await endless;
    assert.equal(stopped.status, 400);
    assert.equal(stopped.json.code, 'SQL_TIMEOUT');

    // Another endless query in flight, then SIGTERM: the server exits instead of hanging.
    const second = get(`${dev.url}/api/v1/sql?q=${encodeURIComponent(ENDLESS)}`).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = new Promise<string>((resolve) => dev.child.once('exit', () => resolve('exited')));
    const hung = new Promise<string>((resolve) => setTimeout(() => resolve('still running'), HUNG_MS).unref());
    dev.child.kill('SIGTERM');
    assert.equal(await Promise.race([exited, hung]), 'exited');
    await second;
  });
});
