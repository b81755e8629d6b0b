/**
 * `defineMultiAsset`: one compute that materializes several assets (Dagster's `@multi_asset`).
 * Each output becomes an ordinary asset definition (so selections, graphs, status and staleness
 * treat it as any asset) that also names its multi-asset, which planning uses to put the outputs
 * of one partition into one task. Checked here, when the definitions file is imported: at least one
 * output, no output key twice, and no output depending on another output of the same multi-asset
 * (one computation cannot wait on itself).
 */
import { z } from 'zod';
import { isAssetKey } from '../domain/assets/index.js';
import { arcoError, InvariantError } from '../domain/errors/index.js';
import { suggestionDetails } from '../domain/suggestions/index.js';
import { defineAsset } from './define-asset.js';
import { describeOptionProblem, optionProblem } from './option-problems.js';
import type { PartitionsDefinition } from '../domain/partitions/index.js';
import {
  MULTI_ASSET_BRAND,
  type AssetDefinition,
  type AssetOptions,
  type AssetSpec,
  type MultiAssetDefinition,
  type MultiAssetMembership,
  type MultiAssetOptions,
} from './types.js';

const keySchema = z.string().refine(isAssetKey, 'must be "/"-separated segments of letters, digits and "_"');
const groupSchema = z.string().regex(/^[A-Za-z0-9_]+$/);

const specSchema = z.strictObject({
  key: keySchema,
  deps: z.array(z.unknown()).optional(),
  description: z.string().optional(),
  group: groupSchema.optional(),
  tags: z.record(z.string(), z.string()).optional(),
  owners: z.array(z.string()).optional(),
  kinds: z.array(z.string()).optional(),
  codeVersion: z.string().min(1).optional(),
});

const optionsSchema = z.strictObject({
  name: keySchema,
  outputs: z.array(specSchema),
  deps: z.array(z.unknown()).optional(),
  partitions: z.unknown().optional(),
  canSubset: z.boolean().optional(),
  compute: z.custom<MultiAssetOptions['compute']>((v) => typeof v === 'function', 'must be a function'),
  codeVersion: z.string().min(1).optional(),
  retry: z.unknown().optional(),
  timeoutMs: z.unknown().optional(),
  pool: z.unknown().optional(),
  description: z.string().optional(),
  group: groupSchema.optional(),
  tags: z.record(z.string(), z.string()).optional(),
  owners: z.array(z.string()).optional(),
  kinds: z.array(z.string()).optional(),
});

/** An output's own compute is never called: the worker calls the multi-asset's (see execute.ts). */
function outputCompute(name: string): AssetOptions['compute'] {
  return () => {
    throw new InvariantError(`the compute of multi-asset "${name}" called once for all its outputs`, 'a call for one output');
  };
}

/** The asset keys a list of deps names, read through `defineAsset` so refs are checked the same way. */
function depKeys(deps: readonly unknown[] | undefined, name: string): string[] {
  if (deps === undefined || deps.length === 0) return [];
  return [...defineAsset({ key: name, deps: deps as AssetOptions['deps'], compute: () => undefined }).deps];
}

/**
 * @throws INVALID_DEFINITION naming the multi-asset and the field (no outputs; an output depending
 *   on another output of it; an unknown option, with suggestions), DUPLICATE_ASSET_KEY (an output
 *   key given twice).
 */
export function defineMultiAsset(options: MultiAssetOptions): MultiAssetDefinition {
  const name = typeof options?.name === 'string' ? options.name : '(no name)';
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problem = optionProblem(optionsSchema, parsed.error);
    throw arcoError('INVALID_DEFINITION', `multi-asset "${name}": ${describeOptionProblem(problem)}`, {
      multiAsset: name,
      field: problem.field,
      ...suggestionDetails(problem.suggestions),
    });
  }
  const o = parsed.data;
  if (o.outputs.length === 0) {
    throw arcoError('INVALID_DEFINITION', `multi-asset "${name}" has no outputs: give it at least one asset spec in outputs`, { multiAsset: name, field: 'outputs' });
  }
  const outputKeys = o.outputs.map((spec) => spec.key);
  const duplicate = outputKeys.find((key, i) => outputKeys.indexOf(key) !== i);
  if (duplicate !== undefined) {
    throw arcoError('DUPLICATE_ASSET_KEY', `multi-asset "${name}" names output "${duplicate}" more than once`, { asset: duplicate, multiAsset: name });
  }
  const membership: MultiAssetMembership = Object.freeze({
    name: o.name,
    canSubset: o.canSubset ?? false,
    outputKeys: Object.freeze([...outputKeys]),
    codeVersion: o.codeVersion ?? null,
    compute: o.compute,
  });
  const outputs = (options.outputs as readonly AssetSpec[]).map((spec) => {
    const internal = depKeys(spec.deps, spec.key).find((key) => outputKeys.includes(key));
    if (internal !== undefined) {
      throw arcoError(
        'INVALID_DEFINITION',
        `multi-asset "${name}": output "${spec.key}" depends on "${internal}", another output of the same multi-asset; one computation cannot wait on itself`,
        { multiAsset: name, asset: spec.key, dependency: internal, field: 'outputs.deps' },
      );
    }
    return outputAsset(options, spec, membership);
  });
  const shared = depKeys(options.deps, o.name).find((key) => outputKeys.includes(key));
  if (shared !== undefined) {
    throw arcoError('INVALID_DEFINITION', `multi-asset "${name}" depends on its own output "${shared}"`, { multiAsset: name, dependency: shared, field: 'deps' });
  }
  return Object.freeze({ [MULTI_ASSET_BRAND]: true as const, name: o.name, canSubset: membership.canSubset, outputs: Object.freeze(outputs) });
}

/** One output as an asset: the multi-asset's settings, overridden by the spec's own. */
function outputAsset(options: MultiAssetOptions, spec: AssetSpec, membership: MultiAssetMembership): AssetDefinition {
  const codeVersion = spec.codeVersion ?? options.codeVersion;
  const asset = defineAsset({
    key: spec.key,
    deps: [...(options.deps ?? []), ...(spec.deps ?? [])],
    compute: outputCompute(membership.name),
    ...(options.partitions === undefined ? {} : { partitions: options.partitions as PartitionsDefinition }),
    ...(codeVersion === undefined ? {} : { codeVersion }),
    ...(options.retry === undefined ? {} : { retry: options.retry }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.pool === undefined ? {} : { pool: options.pool }),
    ...((spec.description ?? options.description) === undefined ? {} : { description: spec.description ?? options.description }),
    ...((spec.group ?? options.group) === undefined ? {} : { group: spec.group ?? options.group }),
    tags: { ...options.tags, ...spec.tags },
    owners: [...new Set([...(options.owners ?? []), ...(spec.owners ?? [])])],
    kinds: [...new Set([...(options.kinds ?? []), ...(spec.kinds ?? [])])],
  });
  return Object.freeze({ ...asset, multiAsset: membership });
}

export function isMultiAssetDefinition(value: unknown): value is MultiAssetDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MULTI_ASSET_BRAND] === true;
}
