/**
 * Who may reach the API, checked before any body is read, in this order:
 *
 * 1. Host: the `Host` header must name the address the server is bound to (for a loopback bind:
 *    127.0.0.1, localhost or [::1] with the bound port). A web page that rebinds its own DNS name
 *    to 127.0.0.1 sends its own name, so it is refused (421 HOST_NOT_ALLOWED).
 * 2. Origin: a write (any method but GET and HEAD) carrying an `Origin` other than the server's own,
 *    or marked `Sec-Fetch-Site: cross-site|same-site` by the browser, is refused (403
 *    CROSS_ORIGIN_REFUSED): a page cannot start schedules with a bodiless POST. Scripts and the CLI
 *    send no Origin and are not affected; reads are answered, and since no CORS header is ever sent
 *    the browser keeps the answer from the page.
 * 3. Token: once the store holds a valid API token, every request needs `Authorization: Bearer`
 *    with a valid token whose role covers the route's (401 UNAUTHENTICATED, 403 FORBIDDEN). A server
 *    bound to a non-loopback address always needs one, even if every token was revoked since start.
 *
 * The name of the accepted token (or `anonymous` when access control is off) is the request's actor,
 * recorded on the writes it makes.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ANONYMOUS_ACTOR, parseApiToken, roleAllows, secretSha256, type AccessRole } from '../domain/access/index.js';
import { arcoError, isArcoError } from '../domain/errors/index.js';
import type { Store } from '../store/index.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The role a route needs; routes that declare none need `viewer`. */
    role?: AccessRole;
    /** The web UI's static files: they hold no instance data, so a browser loads them before it has a token. */
    publicFile?: boolean;
  }
  interface FastifyRequest {
    /** Who made the request: a token's name, or `anonymous` while access control is off. */
    actor: string;
    /** The accepted token's role and name (`whoami`); undefined while access control is off. */
    access: { role: AccessRole; tokenName: string; tokensRequired: true } | undefined;
  }
}

export interface AccessOptions {
  /** Host names (with `:port`, or without it for any port) accepted besides the bound address. */
  readonly allowedHosts?: readonly string[];
}

/** True for 127.0.0.0/8, ::1 (also IPv4-mapped) and `localhost`. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(bare);
}

/** True for the any-address binds, which accept connections on every interface. */
function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

function hostOf(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The `Host` values accepted, or null for any (a wildcard bind, which always needs a token). */
function allowedHosts(bound: AddressInfo, extra: readonly string[]): Set<string> | null {
  if (isWildcard(bound.address)) return null;
  const hosts = new Set([hostOf(bound.address, bound.port)]);
  if (isLoopbackAddress(bound.address)) for (const name of ['127.0.0.1', 'localhost', '::1']) hosts.add(hostOf(name, bound.port));
  for (const host of extra) hosts.add(/^\[.*\]:\d+$|^[^:]+:\d+$/.test(host) ? host.toLowerCase() : hostOf(host.toLowerCase(), bound.port));
  return hosts;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sameSecret(presentedSha256: string, storedSha256: string): boolean {
  const a = Buffer.from(presentedSha256, 'hex');
  const b = Buffer.from(storedSha256, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token's name and role, or UNAUTHENTICATED naming what was wrong (never which part). */
async function authenticate(store: Store, authorization: string | undefined): Promise<{ name: string; role: AccessRole }> {
  const refused = (reason: string) => arcoError('UNAUTHENTICATED', `${reason}; send "Authorization: Bearer <token>" (arco token create --role viewer|operator|admin)`, {});
  if (authorization === undefined) throw refused('this instance requires an API token');
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  const parsed = bearer ? parseApiToken(bearer[1] as string) : undefined;
  if (!parsed) throw refused('the Authorization header holds no well-formed Arco token');
  const token = await store.tokens.findToken(parsed.id);
  if (!token || !sameSecret(secretSha256(parsed.secret), token.secretSha256)) throw refused('the API token is not valid');
  if (token.revokedAt !== null) throw refused(`the API token "${token.name}" was revoked at ${token.revokedAt}`);
  return { name: token.name, role: token.role };
}

export function installAccessControl(app: FastifyInstance, store: Store, options: AccessOptions = {}): void {
  app.decorateRequest('actor', ANONYMOUS_ACTOR);
  app.decorateRequest('access', undefined);
  app.addHook('onRequest', async (request) => {
    const bound = app.server.address();
    // Not listening (light-my-request injection in a test): there is no bound name to compare with.
    const boundInfo = bound !== null && typeof bound === 'object' ? bound : undefined;
    const host = header(request, 'host') ?? '';
    if (boundInfo) {
      const hosts = allowedHosts(boundInfo, options.allowedHosts ?? []);
      if (hosts !== null && !hosts.has(host.toLowerCase())) {
        throw arcoError('HOST_NOT_ALLOWED', `Host "${host}" is not the address this server is bound to; use ${[...hosts].join(', ')}`, { host, allowed: [...hosts] });
      }
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      const origin = header(request, 'origin');
      const site = header(request, 'sec-fetch-site');
      if ((origin !== undefined && origin !== `http://${host}`) || site === 'cross-site' || site === 'same-site') {
        throw arcoError('CROSS_ORIGIN_REFUSED', `a ${request.method} from ${origin ?? `a ${site} page`} was refused: writes are accepted only from this server's own origin or from clients that send no Origin (scripts, the CLI)`, {
          origin: origin ?? null,
          secFetchSite: site ?? null,
        });
      }
    }
    const isApiPath = request.url === '/api' || request.url.startsWith('/api/') || request.url.startsWith('/api?');
    if (request.routeOptions.config?.publicFile === true && !isApiPath) return;
    const tokensRequired = boundInfo !== undefined && !isLoopbackAddress(boundInfo.address);
    const authorization = header(request, 'authorization');
    let token: { name: string; role: AccessRole };
    if (tokensRequired || authorization === undefined) {
      if (!tokensRequired && !(await store.tokens.hasValidTokens())) return;
      token = await authenticate(store, authorization);
    } else {
      // A request that carries a token (every worker call) is checked with one read: a valid token
      // means access control is on. Only a refused one asks whether access control is on at all.
      try {
        token = await authenticate(store, authorization);
      } catch (error) {
        if (!isArcoError(error) || error.code !== 'UNAUTHENTICATED' || (await store.tokens.hasValidTokens())) throw error;
        return;
      }
    }
    const needed = request.routeOptions.config?.role ?? 'viewer';
    if (!roleAllows(token.role, needed)) {
      throw arcoError('FORBIDDEN', `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]} needs the ${needed} role; token "${token.name}" has ${token.role}`, {
        requiredRole: needed,
        tokenRole: token.role,
        token: token.name,
      });
    }
    request.actor = token.name;
    request.access = { role: token.role, tokenName: token.name, tokensRequired: true };
  });
}
