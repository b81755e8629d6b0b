/** Schedules and sensors in the shell: the daemon's automation step, commands and views. */
export { Automation, type AutomationOptions } from './automation.js';
export type { CrashPoint, CrashHook } from './schedule-runner.js';
export { ScheduleRunner } from './schedule-runner.js';
export { syncAutomation } from './sync.js';
export { automationEntries } from './specs.js';
export {
  listSchedules,
  getSchedule,
  listScheduleTicks,
  setScheduleStatus,
  previewCron,
  previewSchedule,
  parsePreviewFrom,
  scheduleView,
  scheduleViewSchema,
  scheduleTickViewSchema,
  PREVIEW_TICKS_MAX,
  previewResultSchema,
  type ScheduleView,
  type ScheduleTickView,
  type PreviewResult,
} from './schedule-commands.js';
export { runUserCode, userErrorInfo, type UserCodeResult } from './user-code.js';
export {
  listSensors,
  getSensor,
  listSensorEvaluations,
  setSensorStatus,
  resetSensorCursor,
  pushToSensor,
  sensorView,
  sensorViewSchema,
  sensorEvaluationViewSchema,
  type SensorView,
  type SensorEvaluationView,
  type PushOutcome,
} from './sensor-commands.js';
export { evaluateSensor, type EvaluationReport } from './sensor-evaluation.js';
export { previewSensor, sensorPreviewSchema, type SensorPreview } from './sensor-preview.js';
export {
  evaluateAutomationConditionSensor,
  AutomationConditionRunner,
  type AutomationConditionReport,
  type CheckFailedLookup,
} from './condition-runner.js';
export {
  listAutomationEvaluations,
  automationEvaluationViewSchema,
  automationAssetEvaluationSchema,
  type AutomationEvaluationView,
} from './condition-evaluations.js';
