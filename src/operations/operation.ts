/**
 * An operation: one thing a caller can ask of an instance, declared once. Its name, the zod
 * schemas of its input (split into path params, query and body as HTTP carries them) and output,
 * its HTTP method and path, whether it honours `Idempotency-Key`, the role it needs and its handler.
 * The API registers its routes from these declarations, OpenAPI describes them, and the CLI invokes
 * them in-process or over HTTP with the same input, so the two can never drift apart.
 */
import { z } from 'zod';
import type { LoadedDefinitions, RuntimeContext } from '../runtime/index.js';
import type { Store } from '../store/index.js';

/** Who may call an operation over HTTP once the store holds an API token (src/api/access.ts). */
export type Role = 'viewer' | 'operator' | 'admin' | 'worker';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

/** What a handler gets: the store for reads, and the runtime (definitions, clock) loaded on demand. */
export interface OperationContext {
  readonly store: Store;
  /** Loads definitions on first use: operations that only read the store never pay for it. */
  runtime(): Promise<RuntimeContext>;
  /**
   * The definitions alone, without the store (an operation declared `usesStore: false`). Absent,
   * they come with `runtime()`.
   */
  readonly definitions?: () => Promise<LoadedDefinitions>;
  /** Tells a daemon in this process that a run was requested, so it starts without waiting a tick. */
  readonly onRunRequested?: () => void;
  /**
   * Who asks: the API token's name, `local` for the CLI on the store itself, `anonymous` over HTTP
   * while access control is off. Writes that can carry it record it (docs/security.md).
   */
  readonly actor?: string;
  /** The store as it may be shown: a file path, or a PostgreSQL URL without its password. */
  readonly storeTarget?: string;
  /**
   * How the caller was let in over HTTP: the token's role and name, and whether a token was needed.
   * Absent in-process (the CLI on the store itself may do everything), as while access is off.
   */
  readonly access?: CallerAccess;
}

/** Who the caller is to the access check (src/api/access.ts). */
export interface CallerAccess {
  readonly role: Role;
  /** Null while access control is off: nobody signed in. */
  readonly tokenName: string | null;
  readonly tokensRequired: boolean;
}

type AnyObject = z.ZodObject<z.ZodRawShape>;
const EMPTY = z.object({});
type Empty = typeof EMPTY;

/** A streamed HTTP answer (NDJSON), for inputs that ask for one (`follow=true`). */
export interface OperationStream<I> {
  when(input: I): boolean;
  /**
   * Writes lines until done or `closed()` turns true. `open()` starts the answer before the first
   * line (once the input is known good), so a client sees the stream begin; an error thrown before
   * the stream starts is still answered as a normal JSON error.
   */
  write(ctx: OperationContext, input: I, line: (value: unknown) => void, closed: () => boolean, open: () => void): Promise<void>;
}

export interface OperationSpec<P extends AnyObject, Q extends AnyObject, B extends AnyObject, O extends z.ZodType> {
  /** Stable name: the OpenAPI operationId and the catalogue key. */
  readonly name: string;
  readonly summary: string;
  /** OpenAPI group. */
  readonly group: string;
  readonly method: HttpMethod;
  /** Fastify path: `:name` segments are params; a trailing `*` is the `*` param. */
  readonly path: string;
  readonly params?: P;
  readonly query?: Q;
  /** Only for POST. A body whose fields are all optional may be left out. */
  readonly body?: B;
  readonly output: O;
  /** Error statuses this operation answers besides 400 (documented in OpenAPI). */
  readonly errors?: readonly number[];
  /** The HTTP status of a success. @default 200 */
  status?(output: z.output<O>): number;
  /** True when repeating it has no second effect, and the API honours `Idempotency-Key`. */
  readonly idempotent: boolean;
  readonly role: Role;
  /**
   * False for an operation that needs only the definitions: the CLI then leaves the store unopened
   * (validating definitions must not create a project's store). @default true
   */
  readonly usesStore?: boolean;
  readonly stream?: OperationStream<z.output<P> & z.output<Q> & z.output<B>>;
  // Method syntax on purpose: a list of operations of different inputs is then one type.
  handler(ctx: OperationContext, input: z.output<P> & z.output<Q> & z.output<B>): Promise<z.output<O>>;
}

/** A declared operation with every part present (absent parts are empty objects). */
export interface Operation<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends AnyObject = AnyObject, O extends z.ZodType = z.ZodType>
  extends Omit<OperationSpec<P, Q, B, O>, 'params' | 'query' | 'body'> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly hasBody: boolean;
}

/** Any operation, for the catalogue's list; exact types matter only where one is invoked. */
export type AnyOperation = Operation<AnyObject, AnyObject, AnyObject, z.ZodType>;

/** A part's wire form; an empty part adds nothing (zod types `{}` as a record of `never`). */
type PartInput<S extends AnyObject> = keyof S['shape'] extends never ? unknown : z.input<S>;

/** The input a caller passes: the wire form, before defaults and coercions. */
export type InputOf<Op extends AnyOperation> = Op extends Operation<infer P, infer Q, infer B, z.ZodType>
  ? PartInput<P> & PartInput<Q> & PartInput<B>
  : never;
export type OutputOf<Op extends AnyOperation> = Op extends Operation<AnyObject, AnyObject, AnyObject, infer O> ? z.output<O> : never;

export function defineOperation<P extends AnyObject = Empty, Q extends AnyObject = Empty, B extends AnyObject = Empty, O extends z.ZodType = z.ZodType>(
  spec: OperationSpec<P, Q, B, O>,
): Operation<P, Q, B, O> {
  if (spec.body && spec.method !== 'POST') throw new Error(`operation ${spec.name}: a ${spec.method} has no body`);
  return {
    ...spec,
    params: spec.params ?? (EMPTY as unknown as P),
    query: spec.query ?? (EMPTY as unknown as Q),
    body: spec.body ?? (EMPTY as unknown as B),
    hasBody: spec.body !== undefined,
  };
}

/** True when every field of the body is optional, so a request may carry no body at all. */
export function bodyIsOptional(op: AnyOperation): boolean {
  return op.body.safeParse({}).success;
}

/** The HTTP status of a successful answer. */
export function successStatus(op: AnyOperation, output: unknown): number {
  return op.status ? op.status(output) : 200;
}
