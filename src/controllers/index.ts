export { decideRunProgress, systemError, type CoordinatorInput, type RunStep } from './run-coordinator.js';
export { decideCancel, decideAttemptReport, derivedDataVersion, type AttemptReport, type ReportContext } from './run-control.js';
export {
  decideRunRequest,
  checkCallerTags,
  fingerprintOf,
  type ResolvedRunRequest,
  type PlanningContext,
  type RunRequestDecision,
} from './run-requests.js';
export { WORKER_LOSS_RETRIES_MAX, resolveAttempt } from './attempt-resolution.js';
export { advanceRun } from './run-state.js';
