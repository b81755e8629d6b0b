/**
 * What a sensor function returned, checked at the boundary: anything but the documented result
 * (`void`, or `{ runRequests?, cursor?, skipReason?, dynamicPartitions? }`) fails the evaluation
 * with INVALID_EVALUATION_RESULT naming the field. Run request targets resolve to asset keys here.
 */
import { z } from 'zod';
import { isAssetDefinition, type AssetDefinition } from '../../authoring/index.js';
import type { SensorResultSpec } from '../../controllers/index.js';
import { arcoError } from '../../domain/errors/index.js';
import type { Json } from '../../domain/ids/index.js';
import type { LoadedDefinitions } from '../definitions-loader.js';
import { selectAssets } from '../selection.js';

const target = z.union([z.string().min(1), z.array(z.union([z.string().min(1), z.custom<AssetDefinition>(isAssetDefinition)])).min(1)]);
const runRequest = z.strictObject({
  runKey: z.string().min(1).optional(),
  partitionKey: z.string().min(1).optional(),
  tags: z.record(z.string(), z.string()).optional(),
  config: z.json().optional(),
  target: target.optional(),
});
const dynamicPartitions = z.strictObject({ name: z.string().min(1).optional(), add: z.array(z.string()).optional(), remove: z.array(z.string()).optional() });
// Checked as one object schema after null and undefined are set aside: inside a union, zod reports
// a wrong field as "Invalid input" on the whole result, and the error could not name the field.
const result = z.strictObject({
  runRequests: z.array(runRequest).optional(),
  cursor: z.string().nullable().optional(),
  skipReason: z.string().optional(),
  dynamicPartitions: z.union([dynamicPartitions, z.array(dynamicPartitions)]).optional(),
});
export type RawSensorResult = z.infer<typeof result> | undefined | null;

/** The documented result, or INVALID_EVALUATION_RESULT naming the first offending field. */
function checked(value: unknown): NonNullable<RawSensorResult> {
  if (value === undefined || value === null) return {};
  const parsed = result.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const field = [...(issue?.path ?? []).map(String), ...(unknownKey === undefined ? [] : [unknownKey])].join('.') || '(result)';
  const reason = unknownKey === undefined ? (issue?.message ?? 'invalid') : 'is not a result field';
  throw arcoError('INVALID_EVALUATION_RESULT', `the sensor returned an invalid result: ${field} ${reason}`, { field, reason });
}

/** @throws INVALID_EVALUATION_RESULT (details: field, reason); UNKNOWN_ASSET / SELECTION_SYNTAX_ERROR for a bad request target. */
export function parseSensorResult(value: unknown, definitions: LoadedDefinitions): SensorResultSpec {
  const r = checked(value);
  const requests = r.dynamicPartitions === undefined ? [] : Array.isArray(r.dynamicPartitions) ? r.dynamicPartitions : [r.dynamicPartitions];
  return {
    runRequests: (r.runRequests ?? []).map((request) => ({
      runKey: request.runKey ?? null,
      partitionKey: request.partitionKey ?? null,
      tags: request.tags ?? {},
      config: (request.config ?? {}) as Json,
      assetKeys:
        request.target === undefined
          ? null
          : selectAssets(definitions, typeof request.target === 'string' ? request.target : request.target.map((t) => (typeof t === 'string' ? t : t.key))),
    })),
    cursor: r.cursor,
    skipReason: r.skipReason ?? null,
    dynamicPartitions: requests.map((d) => ({ name: d.name ?? null, add: d.add ?? [], remove: d.remove ?? [] })),
  };
}

/** Merges the results of several calls (asset and run-status sensors call once per event). */
export function mergeSensorResults(results: readonly NonNullable<RawSensorResult>[]): NonNullable<RawSensorResult> {
  const runRequests = results.flatMap((r) => r.runRequests ?? []);
  const dynamic = results.flatMap((r) => (r.dynamicPartitions === undefined ? [] : Array.isArray(r.dynamicPartitions) ? r.dynamicPartitions : [r.dynamicPartitions]));
  const skipReasons = results.flatMap((r) => (r.skipReason === undefined ? [] : [r.skipReason]));
  return {
    ...(runRequests.length > 0 ? { runRequests } : {}),
    ...(dynamic.length > 0 ? { dynamicPartitions: dynamic } : {}),
    ...(skipReasons.length > 0 ? { skipReason: skipReasons[skipReasons.length - 1] as string } : {}),
  };
}

/** Checks one call's return value before merging. @throws INVALID_EVALUATION_RESULT. */
export function checkRawResult(value: unknown): NonNullable<RawSensorResult> {
  return checked(value);
}
