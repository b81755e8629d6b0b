/**
 * How a CLI command reaches the operation catalogue: in this process against the project's store
 * (`LocalClient`), or over HTTP against a running instance (`HttpClient`). Both take the same input
 * and return the same output, because both are the same operation declaration.
 *
 * Opening the store directly is safe for every operation: SQLite WAL readers never block the
 * writer, and requests go through the same transactional, idempotent append the API uses.
 */
import { z } from 'zod';
import { LOCAL_ACTOR } from '../domain/access/index.js';
import { arcoError, isErrorCode, ArcoError, InvariantError } from '../domain/errors/index.js';
import { CATALOGUE, invokeOperation, splitInput, type AnyOperation, type Catalogue, type InputOf, type OperationContext, type OperationName, type OutputOf } from '../operations/index.js';
import { createContext, loadDefinitions, systemClock, type LoadedDefinitions, type RuntimeContext } from '../runtime/index.js';
import { describeStoreTarget, openStore, type Store } from '../store/index.js';
import { authorization, connectionFor, type Client, type CommonOptions, type Connection } from './common.js';
import type { Project } from './project.js';
import type { Agents, JsonResponse, requestJson } from './http-request.js';

/** How HttpClient calls: node:http(s) on its keep-alive agents. */
interface Transport {
  readonly request: typeof requestJson;
  readonly agents: Agents;
}

export { tokenOf } from './common.js';

export class LocalClient implements Client {
  private context: Promise<RuntimeContext> | undefined;
  private opened: Promise<Store> | undefined;
  private loaded: Promise<LoadedDefinitions> | undefined;

  constructor(readonly project: Project) {}

  /** The store, opened on first use: opening PostgreSQL is asynchronous, the constructor is not. */
  store(): Promise<Store> {
    this.opened ??= openStore(this.project.storePath);
    return this.opened;
  }

  /** The runtime context, loading definitions on first use (most reads never need them). */
  runtime(): Promise<RuntimeContext> {
    this.context ??= Promise.all([this.definitions(), this.store()]).then(([defs, store]) => createContext(store, systemClock, defs));
    return this.context;
  }

  /** The project's definitions, loaded on first use; the store stays as it is. */
  definitions(): Promise<LoadedDefinitions> {
    this.loaded ??= loadDefinitions(this.project.definitionsFile);
    return this.loaded;
  }

  async invoke<N extends OperationName>(name: N, input: InputOf<Catalogue[N]>): Promise<OutputOf<Catalogue[N]>> {
    const op: AnyOperation = CATALOGUE[name];
    // In-process calls work on the store itself, under the file permissions of whoever runs them.
    const store = op.usesStore === false ? unopenedStore(op.name) : await this.store();
    const ctx: OperationContext = {
      store,
      runtime: () => this.runtime(),
      definitions: () => this.definitions(),
      actor: LOCAL_ACTOR,
      storeTarget: describeStoreTarget(this.project.storePath),
    };
    return invokeOperation(ctx, CATALOGUE[name], input);
  }

  async close(): Promise<void> {
    // Nothing to close when the store was never opened, or failed to open (that error was reported).
    const store = await this.opened?.catch(() => undefined);
    await store?.close();
  }
}

/** Stands in for the store of an operation declared not to use it: touching it is a bug, said at once. */
function unopenedStore(operation: string): Store {
  return new Proxy({} as Store, {
    get(_target, property) {
      throw new InvariantError(`the store, which operation ${operation} is declared not to use`, `a read of store.${String(property)}`);
    },
  });
}

const errorBodySchema = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() });

/** The operation's path with its params filled in; the `*` param keeps its slashes. */
function pathOf(op: AnyOperation, params: Record<string, unknown>): string {
  return op.path
    .split('/')
    .map((segment) => {
      if (segment === '*') return String(params['*'] ?? '').split('/').map(encodeURIComponent).join('/');
      return segment.startsWith(':') ? encodeURIComponent(String(params[segment.slice(1)] ?? '')) : segment;
    })
    .join('/');
}

export class HttpClient implements Client {
  /**
   * @param token an API token, sent as `Authorization: Bearer` (needed once the store holds tokens).
   * @param timeoutMs a call not answered within this long fails as API_UNREACHABLE (none when absent):
   *   a remote worker must not wait forever on a connection whose network path is gone.
   */
  constructor(
    private readonly baseUrl: string,
    private readonly token?: string,
    private readonly timeoutMs?: number,
  ) {}

  /**
   * node:http(s) and the connections kept between calls (a worker makes two or more calls per
   * attempt), loaded at the first call: most commands that import this module never make one.
   */
  private transport: Promise<Transport> | undefined;

  private connect(): Promise<Transport> {
    this.transport ??= import('./http-request.js').then((m) => ({ request: m.requestJson, agents: m.keepAliveAgents() }));
    return this.transport;
  }

  async invoke<N extends OperationName>(name: N, input: InputOf<Catalogue[N]>): Promise<OutputOf<Catalogue[N]>> {
    const op: AnyOperation = CATALOGUE[name];
    const parts = splitInput(op, input);
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(parts.query)) {
      for (const one of Array.isArray(value) ? value : [value]) query.append(key, String(one));
    }
    const path = `${pathOf(op, parts.params)}${query.size > 0 ? `?${query}` : ''}`;
    const { request, agents } = await this.connect();
    let response: JsonResponse;
    try {
      response = await request(
        agents,
        new URL(path, this.baseUrl),
        op.method,
        { accept: 'application/json', ...(op.hasBody ? { 'content-type': 'application/json' } : {}), ...authorization(this.token) },
        op.hasBody ? JSON.stringify(parts.body) : undefined,
        this.timeoutMs,
      );
    } catch (error) {
      throw arcoError('API_UNREACHABLE', `cannot reach ${this.baseUrl}: ${(error as Error).message}; is "arco dev" running?`, { url: this.baseUrl });
    }
    const { payload } = response;
    if (response.status < 200 || response.status > 299) {
      const parsed = errorBodySchema.safeParse(payload);
      if (parsed.success && isErrorCode(parsed.data.code)) throw new ArcoError(parsed.data.code, parsed.data.message, parsed.data.details);
      throw arcoError('INTERNAL_ERROR', `${op.method} ${op.path} answered HTTP ${response.status}`, { status: response.status });
    }
    const parsed = op.output.safeParse(payload);
    if (!parsed.success) throw arcoError('INTERNAL_ERROR', `${op.method} ${op.path} answered an unexpected body`, {});
    return parsed.data as OutputOf<Catalogue[N]>;
  }

  async close(): Promise<void> {
    const transport = await this.transport;
    transport?.agents.http.destroy();
    transport?.agents.https.destroy();
  }
}

/**
 * The API of a running instance when one is named (--url) or serves this very project at the
 * default URL; otherwise the project's store, opened directly (see common.ts). A command that
 * already asked where to go passes the answer.
 */
export async function openClient(options: CommonOptions, connection?: Connection): Promise<Client> {
  const to = connection ?? (await connectionFor(options));
  return to.kind === 'http' ? new HttpClient(to.url, to.token) : new LocalClient(to.project);
}
