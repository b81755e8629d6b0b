/**
 * Where a CLI command gets its answers: a running instance over HTTP (`--url`), or the project's
 * store opened directly. Reading the store directly is always safe (SQLite WAL readers never block
 * the writer); requesting and canceling runs directly is safe too, because they go through the same
 * transactional, idempotent append the API uses.
 */
import { z } from 'zod';
import { arcoError, isErrorCode, ArcoError } from '../domain/errors/index.js';
import type { Json } from '../domain/ids/index.js';
import { logLineSchema, type LogLine, runProjectionSchema, type RunProjection } from '../fold/index.js';
import type { RunStatus } from '../domain/runs/index.js';
import {
  assetViewSchema,
  cancelRun,
  changeDynamicPartitions,
  createContext,
  describeAssets,
  getRunOrThrow,
  loadDefinitions,
  requestRerun,
  requestRun,
  selectAssets,
  selectAssetsToLaunch,
  systemClock,
  type AssetView,
  type DynamicPartitionsOutcome,
  type DynamicPartitionsRequest,
  type RuntimeContext,
} from '../runtime/index.js';
import { openStore, type SqlResult, type Store } from '../store/index.js';
import type { Project } from './project.js';
import { HttpAutomationBackend, LocalAutomationBackend, type AutomationBackend } from './automation-backend.js';

export interface RunRequestOptions {
  readonly selection: string | readonly string[];
  readonly includeUpstream: boolean;
  readonly includeDownstream: boolean;
  readonly partition: string | null;
  readonly runKey: string | null;
  readonly tags: Record<string, string>;
  readonly config: Json;
}

export interface RerunOptions {
  readonly mode: 'fromFailure' | 'subset';
  readonly selection?: string;
  readonly includeUpstream: boolean;
  readonly includeDownstream: boolean;
}

export interface Backend {
  requestRun(request: RunRequestOptions): Promise<{ run: RunProjection; existing: boolean }>;
  rerun(runId: string, request: RerunOptions): Promise<{ run: RunProjection; existing: boolean }>;
  getRun(runId: string): Promise<RunProjection>;
  listRuns(query: { statuses?: RunStatus[]; limit: number; cursor?: string }): Promise<{ runs: RunProjection[]; nextCursor: string | null }>;
  cancelRun(runId: string): Promise<RunProjection>;
  logs(runId: string, after: number): Promise<{ logs: LogLine[]; nextAfter: number }>;
  assets(selection?: string): Promise<AssetView[]>;
  sql(query: string, limit: number): Promise<SqlResult>;
  changeDynamicPartitions(request: DynamicPartitionsRequest): Promise<DynamicPartitionsOutcome>;
  /** Schedules and sensors. */
  readonly automation: AutomationBackend;
  close(): Promise<void>;
}

export class LocalBackend implements Backend {
  private context: Promise<RuntimeContext> | undefined;
  private opened: Promise<Store> | undefined;
  readonly automation: AutomationBackend = new LocalAutomationBackend(() => this.runtime());

  constructor(readonly project: Project) {}

  /** The store, opened on first use: opening PostgreSQL is asynchronous, the constructor is not. */
  store(): Promise<Store> {
    this.opened ??= openStore(this.project.storePath);
    return this.opened;
  }

  /** The runtime context, loading definitions on first use (reads never need them). */
  runtime(): Promise<RuntimeContext> {
    this.context ??= Promise.all([loadDefinitions(this.project.definitionsFile), this.store()]).then(([defs, store]) =>
      createContext(store, systemClock, defs),
    );
    return this.context;
  }

  async requestRun(request: RunRequestOptions) {
    const ctx = await this.runtime();
    return requestRun(ctx, { ...request, selection: selectAssetsToLaunch(ctx.definitions, request.selection) });
  }
  async rerun(runId: string, request: RerunOptions) {
    const ctx = await this.runtime();
    return requestRerun(ctx, runId, {
      ...request,
      selection: request.selection === undefined ? undefined : selectAssetsToLaunch(ctx.definitions, request.selection),
    });
  }
  async getRun(runId: string) {
    return getRunOrThrow({ store: await this.store() }, runId);
  }
  async listRuns(query: { statuses?: RunStatus[]; limit: number; cursor?: string }) {
    const runs = await (await this.store()).listRuns({ statuses: query.statuses, limit: query.limit + 1, before: query.cursor });
    const page = runs.slice(0, query.limit);
    return { runs: page, nextCursor: runs.length > query.limit ? (page[page.length - 1]?.runId ?? null) : null };
  }
  async cancelRun(runId: string) {
    return cancelRun(await this.runtime(), runId);
  }
  async logs(runId: string, after: number) {
    await this.getRun(runId);
    const logs = await (await this.store()).listLogs(runId, { afterSequence: after, limit: 1000 });
    return { logs, nextAfter: logs[logs.length - 1]?.sequence ?? after };
  }
  async assets(selection?: string) {
    const defs = (await this.runtime()).definitions;
    const keys = selection ? selectAssets(defs, selection) : [...defs.graph.keys].sort();
    return describeAssets(await this.store(), defs, keys);
  }
  async sql(query: string, limit: number) {
    return (await this.store()).querySystem(query, limit);
  }
  async changeDynamicPartitions(request: DynamicPartitionsRequest) {
    return changeDynamicPartitions(await this.runtime(), request);
  }
  async close() {
    // Nothing to close when the store was never opened, or failed to open (that error was reported).
    const store = await this.opened?.catch(() => undefined);
    await store?.close();
  }
}

const errorBodySchema = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() });

export class HttpBackend implements Backend {
  readonly automation: AutomationBackend = new HttpAutomationBackend(<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown) => this.call(method, path, schema, body));

  constructor(private readonly baseUrl: string) {}

  private async call<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw arcoError('API_UNREACHABLE', `cannot reach ${this.baseUrl}: ${(error as Error).message}; is "arco dev" running?`, { url: this.baseUrl });
    }
    const payload: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(payload);
      if (parsed.success && isErrorCode(parsed.data.code)) throw new ArcoError(parsed.data.code, parsed.data.message, parsed.data.details);
      throw arcoError('INTERNAL_ERROR', `${method} ${path} answered HTTP ${response.status}`, { status: response.status });
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) throw arcoError('INTERNAL_ERROR', `${method} ${path} answered an unexpected body`, {});
    return parsed.data;
  }

  requestRun(request: RunRequestOptions) {
    return this.call('POST', '/api/v1/runs', z.object({ run: runProjectionSchema, existing: z.boolean() }), request);
  }
  rerun(runId: string, request: RerunOptions) {
    return this.call('POST', `/api/v1/runs/${encodeURIComponent(runId)}/rerun`, z.object({ run: runProjectionSchema, existing: z.boolean() }), request);
  }
  getRun(runId: string) {
    return this.call('GET', `/api/v1/runs/${encodeURIComponent(runId)}`, runProjectionSchema);
  }
  listRuns(query: { statuses?: RunStatus[]; limit: number; cursor?: string }) {
    const params = new URLSearchParams({ limit: String(query.limit) });
    if (query.statuses?.length) params.set('status', query.statuses.join(','));
    if (query.cursor) params.set('cursor', query.cursor);
    return this.call('GET', `/api/v1/runs?${params}`, z.object({ runs: z.array(runProjectionSchema), nextCursor: z.string().nullable() }));
  }
  cancelRun(runId: string) {
    return this.call('POST', `/api/v1/runs/${encodeURIComponent(runId)}/cancel`, runProjectionSchema, {});
  }
  logs(runId: string, after: number) {
    return this.call('GET', `/api/v1/runs/${encodeURIComponent(runId)}/logs?after=${after}`, z.object({ logs: z.array(logLineSchema), nextAfter: z.number() }));
  }
  async assets(selection?: string) {
    const query = selection ? `?select=${encodeURIComponent(selection)}` : '';
    return (await this.call('GET', `/api/v1/assets${query}`, z.object({ assets: z.array(assetViewSchema) }))).assets;
  }
  changeDynamicPartitions(request: DynamicPartitionsRequest) {
    const { name, ...body } = request;
    return this.call('POST', `/api/v1/dynamic-partitions/${encodeURIComponent(name)}`, z.object({ name: z.string(), keys: z.array(z.string()), changed: z.boolean() }), body);
  }
  sql(query: string, limit: number) {
    const params = new URLSearchParams({ q: query, limit: String(limit) });
    return this.call('GET', `/api/v1/sql?${params}`, z.object({ columns: z.array(z.string()), rows: z.array(z.array(z.unknown())), truncated: z.boolean() }));
  }
  async close() {}
}
