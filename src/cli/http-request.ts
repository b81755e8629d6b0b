/**
 * One JSON request over node:http(s), on a keep-alive agent of the caller's. The CLI's calls and a
 * remote worker's protocol calls go through it: fetch cost a remote worker about a third of its
 * CPU per attempt (its web streams, abort signals and request objects), for two short calls.
 */
import http from 'node:http';
import https from 'node:https';

export interface JsonResponse {
  readonly status: number;
  /** The body parsed as JSON; undefined when it is empty or not JSON. */
  readonly payload: unknown;
}

export interface Agents {
  readonly http: http.Agent;
  readonly https: https.Agent;
}

/** Idle connections are kept for the next call and never keep the process alive (Node unrefs them). */
export function keepAliveAgents(): Agents {
  return { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
}

/**
 * @param timeoutMs the whole call, from the request to the last byte of the answer (none when absent).
 * @throws the network's error (refused, reset, timed out), for the caller to name.
 */
export function requestJson(agents: Agents, url: URL, method: string, headers: Readonly<Record<string, string>>, body: string | undefined, timeoutMs: number | undefined): Promise<JsonResponse> {
  const secure = url.protocol === 'https:';
  return new Promise<JsonResponse>((resolve, reject) => {
    const request = (secure ? https : http).request(
      url,
      { method, agent: secure ? agents.https : agents.http, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', fail);
        response.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString('utf8');
          let payload: unknown;
          try {
            payload = text === '' ? undefined : JSON.parse(text);
          } catch {
            payload = undefined;
          }
          resolve({ status: response.statusCode ?? 0, payload });
        });
      },
    );
    function fail(error: Error): void {
      clearTimeout(timer);
      request.destroy();
      reject(error);
    }
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('error', fail);
    request.end(body);
  });
}
