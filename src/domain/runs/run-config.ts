/**
 * Run config checked against the config schemas of the assets a run materializes, before the run
 * is requested (Dagster validates run config before launch). A schema is anything that implements
 * the Standard Schema interface (`~standard.validate`): zod, valibot, arktype and others do, so
 * users keep the validation library they already have. The run's config is one JSON value given to
 * every asset of the run (`ctx.config`), so it must fit every schema of the run's assets.
 */
import { arcoError } from '../errors/index.js';
import type { Json } from '../ids/index.js';
import { expandMultiAssets, type MultiAssetOf } from './multi-asset-tasks.js';

/** A Standard Schema, as far as run config needs one: a synchronous `validate`. */
export interface ConfigSchema {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => ConfigSchemaResult | Promise<ConfigSchemaResult>;
  };
}

export type ConfigSchemaResult =
  | { readonly value: unknown; readonly issues?: undefined }
  | { readonly issues: readonly { readonly message: string; readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined }[] };

export function isConfigSchema(value: unknown): value is ConfigSchema {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const standard = (value as { '~standard'?: { version?: unknown; validate?: unknown } })['~standard'];
  return typeof standard === 'object' && standard !== null && standard.version === 1 && typeof standard.validate === 'function';
}

/** At most this many problems are listed in an error's details; the message names the first. */
const ISSUES_LISTED_MAX = 20;

/** `tables[0].name` for the path `['tables', 0, 'name']`; empty for the config as a whole. */
function fieldOf(path: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined): string {
  let field = '';
  for (const segment of path ?? []) {
    const key = typeof segment === 'object' && segment !== null ? segment.key : segment;
    if (typeof key === 'number') field += `[${key}]`;
    else field += field === '' ? String(key) : `.${String(key)}`;
  }
  return field;
}

/**
 * @throws INVALID_RUN_CONFIG naming the asset, the first offending field and its problem (every
 *   problem, up to 20, in `details.issues`); INVALID_DEFINITION when the schema throws or validates
 *   asynchronously (run config is checked where no await can wait for it).
 */
export function checkRunConfig(assetKey: string, schema: ConfigSchema, config: Json): void {
  let result: ConfigSchemaResult | Promise<ConfigSchemaResult>;
  try {
    result = schema['~standard'].validate(config);
  } catch (error) {
    throw arcoError('INVALID_DEFINITION', `asset "${assetKey}": its config schema threw: ${error instanceof Error ? error.message : String(error)}`, { asset: assetKey, field: 'config' });
  }
  if (result instanceof Promise) {
    // Settled by nobody: keep an async rejection from surfacing as an unhandled one.
    result.catch(() => undefined);
    throw arcoError('INVALID_DEFINITION', `asset "${assetKey}": its config schema validates asynchronously; run config is checked before the run is requested and needs a synchronous schema`, {
      asset: assetKey,
      field: 'config',
    });
  }
  if (result.issues === undefined || result.issues.length === 0) return;
  const issues = result.issues.slice(0, ISSUES_LISTED_MAX).map((issue) => ({ field: fieldOf(issue.path), message: issue.message }));
  const first = issues[0] as { field: string; message: string };
  const where = first.field === '' ? 'the config' : `field "${first.field}"`;
  const more = result.issues.length > 1 ? ` (and ${result.issues.length - 1} more problem(s))` : '';
  throw arcoError('INVALID_RUN_CONFIG', `run config does not fit the config schema of asset "${assetKey}": ${where}: ${first.message}${more}`, {
    asset: assetKey,
    field: first.field,
    issues,
  });
}

/**
 * Checks `config` against the schema of every asset of `assetKeys` that has one (with the outputs
 * their multi-assets add). The decision of every trigger's run request calls it, and a backfill's
 * creation, so a config is refused where it is given rather than at a chunk's planning.
 * @throws as checkRunConfig.
 */
export function checkRunConfigOfAssets(
  assetKeys: readonly string[],
  config: Json,
  definitions: { readonly configSchemaOf?: (assetKey: string) => ConfigSchema | null; readonly multiAssetOf?: MultiAssetOf },
): void {
  if (!definitions.configSchemaOf) return;
  for (const assetKey of expandMultiAssets(assetKeys, definitions.multiAssetOf).assetKeys) {
    const schema = definitions.configSchemaOf(assetKey);
    if (schema) checkRunConfig(assetKey, schema, config);
  }
}
