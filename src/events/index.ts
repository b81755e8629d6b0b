export * from './catalog.js';
export { idempotencyKeys } from './keys.js';
export { draft, stampEvents, withSequence, type EventDraft, type StampContext } from './draft.js';
export { parseStoredEvent, type StoredEventRow } from './parse.js';
export {
  automationEventSchemas,
  scheduleDefinitionSchema,
  sensorDefinitionSchema,
  requestedRunSchema,
  scheduleStatusSchema,
  tickStatusSchema,
  evaluationStatusSchema,
  sensorKindSchema,
  conditionNodeTruthSchema,
  conditionAssetResultSchema,
} from './automation-events.js';
export {
  backfillEventSchemas,
  backfillStatusSchema,
  backfillPolicySchema,
  backfillUnitSchema,
  partitionSelectorSchema,
  unitSelectionSchema,
  unmaterializedSchema,
} from './backfill-events.js';
export { assetEventSchemas, freshnessStateSchema, checkSeveritySchema, type FreshnessState } from './asset-events.js';
export {
  provenanceInputSchema,
  materializationProvenanceSchema,
  type MaterializationProvenance,
} from './task-events.js';
export {
  partitionWindowSchema,
  type PartitionWindow,
  jsonValue,
  errorInfoSchema,
  tagsSchema,
  taskPlanSchema,
  triggerSchema,
  retryPolicySchema,
  skipCauseSchema,
  type SkipCause,
  type ErrorInfo,
  type Trigger,
} from './common.js';
