/**
 * The catalogue: every operation an instance offers, in one list. The API registers a route for
 * each, the OpenAPI document lists exactly these, and the CLI reaches each in-process or over HTTP.
 * A new capability adds its operations here and nowhere else.
 */
import type { AnyOperation } from './operation.js';
import { ASSET_OPERATIONS } from './assets.js';
import { PARTITION_OPERATIONS } from './partitions.js';
import { RUN_OPERATIONS } from './runs.js';
import { SCHEDULE_OPERATIONS } from './schedules.js';
import { SENSOR_OPERATIONS } from './sensors.js';
import { SYSTEM_OPERATIONS } from './system.js';

export const OPERATIONS: readonly AnyOperation[] = [
  ...RUN_OPERATIONS,
  ...ASSET_OPERATIONS,
  ...PARTITION_OPERATIONS,
  ...SCHEDULE_OPERATIONS,
  ...SENSOR_OPERATIONS,
  ...SYSTEM_OPERATIONS,
];

const names = new Set<string>();
for (const op of OPERATIONS) {
  // Names are OpenAPI operationIds and CLI handles: a repeat would make one of them unreachable.
  if (names.has(op.name)) throw new Error(`operation ${op.name} is declared twice`);
  names.add(op.name);
}
