/** The operation catalogue: each operation declared once, served by the API and invoked by the CLI. */
export {
  defineOperation,
  bodyIsOptional,
  successStatus,
  type AnyOperation,
  type HttpMethod,
  type InputOf,
  type Operation,
  type OperationContext,
  type CallerAccess,
  type OutputOf,
  type Role,
} from './operation.js';
export { splitInput, parsePart, parseInput, type InputParts } from './input.js';
export { invokeOperation } from './invoke.js';
export { CATALOGUE, OPERATIONS, type Catalogue, type OperationName } from './catalogue.js';
export { operationRoutes, type OperationRoute } from './ui-routes.js';
export * from './runs.js';
export * from './run-plans.js';
export * from './assets.js';
export * from './backfills.js';
export * from './partitions.js';
export * from './schedules.js';
export * from './sensors.js';
export * from './system.js';
export * from './tokens.js';
export * from './pools.js';
export * from './workers.js';
export { getInstanceOp, instanceHealth, LEADER_SILENT_AFTER_MS } from './instance.js';
export { partitionSelectorInputSchema, runRequestBodySchema } from './schemas.js';
