/** HTTP requests with exactly the headers a test gives: fetch sets Host and Origin its own way. */
import { request as httpRequest } from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly json: any;
  readonly text: string;
}

/** A request with exactly the headers given (fetch would set Host and Origin its own way). */
export function raw(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: target.hostname, port: target.port, method, path, headers, setHost: !('host' in headers) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
