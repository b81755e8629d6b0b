/**
 * Automation conditions as plain data (Dagster's `AutomationCondition`): a tree of operands
 * (facts about one asset partition: missing, newly updated, in progress, …) and operators (`and`,
 * `or`, `not`, `since`, `newlyTrue`, `anyDeps`, `allDeps`). Being data, a condition is recorded with
 * each evaluation, shown node by node ("why did / didn't this run"), and hashed so an evaluation
 * knows when the condition changed.
 *
 * `eager()`, `onCron()` and `onMissing()` are compositions of the operands, as Dagster defines
 * them, so every evaluation says which sub-condition held. Labels follow Dagster's.
 */
import { z } from 'zod';
import { parseCronSchedule, validateTimezone } from '../cron/index.js';
import { arcoError, isArcoError } from '../errors/index.js';
import { canonicalJson, sha256Hex } from '../ids/index.js';

/** Operands: facts about one asset partition at the evaluation. */
export type OperandKind =
  | 'missing'
  | 'newlyUpdated'
  | 'inLatestTimeWindow'
  | 'inProgress'
  | 'checkFailed'
  | 'newlyRequested'
  | 'willBeRequested'
  | 'initialEvaluation';

export type AutomationCondition =
  | { readonly kind: OperandKind; readonly label: string | null }
  | { readonly kind: 'cronTickPassed'; readonly cron: string; readonly timezone: string; readonly label: string | null }
  | { readonly kind: 'and' | 'or'; readonly children: readonly AutomationCondition[]; readonly label: string | null }
  | { readonly kind: 'not' | 'newlyTrue' | 'anyDeps' | 'allDeps'; readonly child: AutomationCondition; readonly label: string | null }
  | { readonly kind: 'since'; readonly trigger: AutomationCondition; readonly reset: AutomationCondition; readonly label: string | null };

const OPERAND_KINDS = ['missing', 'newlyUpdated', 'inLatestTimeWindow', 'inProgress', 'checkFailed', 'newlyRequested', 'willBeRequested', 'initialEvaluation'] as const;
/** Deeper trees are refused: a condition is written by hand, and evaluation recurses. */
export const CONDITION_DEPTH_MAX = 32;

const label = z.string().min(1).nullable();
export const automationConditionSchema: z.ZodType<AutomationCondition> = z.lazy(() =>
  z.union([
    z.strictObject({ kind: z.enum(OPERAND_KINDS), label }),
    z.strictObject({ kind: z.literal('cronTickPassed'), cron: z.string(), timezone: z.string(), label }),
    z.strictObject({ kind: z.enum(['and', 'or']), children: z.array(automationConditionSchema).min(1), label }),
    z.strictObject({ kind: z.enum(['not', 'newlyTrue', 'anyDeps', 'allDeps']), child: automationConditionSchema, label }),
    z.strictObject({ kind: z.literal('since'), trigger: automationConditionSchema, reset: automationConditionSchema, label }),
  ]),
);

/** The node's sub-conditions, in the order they are evaluated and numbered. */
export function childrenOf(c: AutomationCondition): readonly AutomationCondition[] {
  switch (c.kind) {
    case 'and':
    case 'or':
      return c.children;
    case 'not':
    case 'newlyTrue':
    case 'anyDeps':
    case 'allDeps':
      return [c.child];
    case 'since':
      return [c.trigger, c.reset];
    default:
      return [];
  }
}

/** What a node is called in an evaluation: its label, else its kind (`not(missing)` style for composites). */
export function describeCondition(c: AutomationCondition): string {
  if (c.label !== null) return c.label;
  switch (c.kind) {
    case 'cronTickPassed':
      return `cron_tick_passed(${c.cron}, ${c.timezone})`;
    case 'and':
      return c.children.map(describeCondition).join(' & ');
    case 'or':
      return c.children.map(describeCondition).join(' | ');
    case 'not':
      return `~${describeCondition(c.child)}`;
    case 'newlyTrue':
      return `newly_true(${describeCondition(c.child)})`;
    case 'anyDeps':
      return `any_deps_match(${describeCondition(c.child)})`;
    case 'allDeps':
      return `all_deps_match(${describeCondition(c.child)})`;
    case 'since':
      return `(${describeCondition(c.trigger)}) since (${describeCondition(c.reset)})`;
    default:
      return c.kind.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`);
  }
}

/** Identifies the condition's structure: a changed condition starts its memory afresh (an initial evaluation). */
export function conditionHash(c: AutomationCondition): string {
  return sha256Hex(canonicalJson(c)).slice(0, 16);
}

function depthOf(c: AutomationCondition): number {
  return 1 + Math.max(0, ...childrenOf(c).map(depthOf));
}

/**
 * Checks a value is a condition (shape, depth, crons and timezones) and returns it.
 * @throws INVALID_DEFINITION naming `field` with what is wrong; INVALID_CRON, INVALID_TIMEZONE.
 */
export function parseAutomationCondition(value: unknown, field = 'automation'): AutomationCondition {
  const parsed = automationConditionSchema.safeParse(value);
  if (!parsed.success) {
    throw arcoError('INVALID_DEFINITION', `${field} must be an automation condition (eager(), onCron(cron), onMissing() or a composition of the operands)`, { field });
  }
  const condition = parsed.data;
  if (depthOf(condition) > CONDITION_DEPTH_MAX) {
    throw arcoError('INVALID_DEFINITION', `${field} nests deeper than ${CONDITION_DEPTH_MAX} levels`, { field });
  }
  const check = (c: AutomationCondition): void => {
    if (c.kind === 'cronTickPassed') {
      try {
        parseCronSchedule(c.cron);
        validateTimezone(c.timezone);
      } catch (error) {
        if (!isArcoError(error)) throw error;
        throw arcoError(error.code, `${field}: ${error.message}`, { ...error.details, field });
      }
    }
    childrenOf(c).forEach(check);
  };
  check(condition);
  return condition;
}

// ---- Builders (exported from `arco-flow`) -------------------------------------------------------

const operand = (kind: OperandKind, name: string): AutomationCondition => Object.freeze({ kind, label: name });

/** True for a partition that has never been materialized. */
export const missing = (): AutomationCondition => operand('missing', 'missing');
/** True for a partition materialized since the previous evaluation. */
export const newlyUpdated = (): AutomationCondition => operand('newlyUpdated', 'newly_updated');
/** True for the latest time window's partitions (every partition of an asset without time windows). */
export const inLatestTimeWindow = (): AutomationCondition => operand('inLatestTimeWindow', 'in_latest_time_window');
/** True for a partition that a run which has not ended is materializing. */
export const inProgress = (): AutomationCondition => operand('inProgress', 'in_progress');
/** True when the latest result of one of the asset's checks failed. */
export const checkFailed = (): AutomationCondition => operand('checkFailed', 'check_failed');
/** True for a partition the previous evaluation requested. */
export const newlyRequested = (): AutomationCondition => operand('newlyRequested', 'newly_requested');
/** True for a partition this evaluation requests (meaningful on dependencies, which are decided first). */
export const willBeRequested = (): AutomationCondition => operand('willBeRequested', 'will_be_requested');
/** True on the first evaluation of the condition (and after it changed). */
export const initialEvaluation = (): AutomationCondition => operand('initialEvaluation', 'initial_evaluation');

/** True when a tick of `cron` (in `timezone`, default UTC) passed since the previous evaluation. */
export function cronTickPassed(cron: string, timezone = 'UTC'): AutomationCondition {
  return Object.freeze({ kind: 'cronTickPassed', cron, timezone, label: `cron_tick_passed(${cron}, ${timezone})` });
}

export function and(...children: AutomationCondition[]): AutomationCondition {
  return Object.freeze({ kind: 'and', children: Object.freeze([...children]), label: null });
}
export function or(...children: AutomationCondition[]): AutomationCondition {
  return Object.freeze({ kind: 'or', children: Object.freeze([...children]), label: null });
}
export function not(child: AutomationCondition): AutomationCondition {
  return Object.freeze({ kind: 'not', child, label: null });
}
/** True on the evaluation where `child` becomes true (false on the previous one). */
export function newlyTrue(child: AutomationCondition): AutomationCondition {
  return Object.freeze({ kind: 'newlyTrue', child, label: null });
}
/** True once `trigger` has been true more recently than `reset` (reset wins when both hold at once). */
export function since(trigger: AutomationCondition, reset: AutomationCondition): AutomationCondition {
  return Object.freeze({ kind: 'since', trigger, reset, label: null });
}
/** True when `child` holds for a partition of any dependency that the partition reads. */
export function anyDepsMatch(child: AutomationCondition): AutomationCondition {
  return Object.freeze({ kind: 'anyDeps', child, label: null });
}
/** True when, for every dependency, `child` holds for a partition the partition reads (true without dependencies). */
export function allDepsMatch(child: AutomationCondition): AutomationCondition {
  return Object.freeze({ kind: 'allDeps', child, label: null });
}
/** The same condition shown under another name. */
export function withLabel(condition: AutomationCondition, name: string): AutomationCondition {
  return Object.freeze({ ...condition, label: name });
}

/** Dagster's "handled": requested or updated on the previous evaluation, or this is the first. */
export const handled = (): AutomationCondition => withLabel(or(newlyRequested(), newlyUpdated(), initialEvaluation()), 'handled');
export const sinceLastHandled = (c: AutomationCondition): AutomationCondition => since(c, handled());
/** True on the evaluation where a partition becomes missing. */
export const newlyMissing = (): AutomationCondition => withLabel(newlyTrue(missing()), 'newly_missing');
/** A dependency's partition was updated since the previous evaluation, or is requested by this one. */
export const anyDepsUpdated = (): AutomationCondition => withLabel(anyDepsMatch(or(newlyUpdated(), willBeRequested())), 'any_deps_updated');
/** A dependency's partition is missing and this evaluation does not request it. */
export const anyDepsMissing = (): AutomationCondition => withLabel(anyDepsMatch(and(missing(), not(willBeRequested()))), 'any_deps_missing');
export const anyDepsInProgress = (): AutomationCondition => withLabel(anyDepsMatch(inProgress()), 'any_deps_in_progress');
/** Every dependency was updated since the latest tick of `cron` (or is requested by this evaluation). */
export function allDepsUpdatedSinceCron(cron: string, timezone = 'UTC'): AutomationCondition {
  return withLabel(allDepsMatch(or(since(newlyUpdated(), cronTickPassed(cron, timezone)), willBeRequested())), `all_deps_updated_since_cron(${cron}, ${timezone})`);
}

/**
 * Runs a partition when any dependency updates, or when it becomes missing after the condition
 * was applied; never while a dependency is missing or in progress, or it is in progress itself.
 * Time-partitioned assets: only the latest time window.
 */
export function eager(): AutomationCondition {
  return withLabel(
    and(inLatestTimeWindow(), sinceLastHandled(or(newlyMissing(), anyDepsUpdated())), not(anyDepsMissing()), not(anyDepsInProgress()), not(inProgress())),
    'eager',
  );
}

/**
 * Runs once per tick of `cron`, after every dependency updated since that tick.
 * Time-partitioned assets: only the latest time window.
 */
export function onCron(cron: string, timezone = 'UTC'): AutomationCondition {
  return withLabel(
    and(inLatestTimeWindow(), sinceLastHandled(cronTickPassed(cron, timezone)), allDepsUpdatedSinceCron(cron, timezone)),
    `on_cron(${cron}, ${timezone})`,
  );
}

/**
 * Runs partitions that become missing after the condition was applied (new partitions), once no
 * dependency is missing. Time-partitioned assets: only the latest time window.
 */
export function onMissing(): AutomationCondition {
  return withLabel(
    and(inLatestTimeWindow(), withLabel(sinceLastHandled(newlyTrue(missing())), 'missing_since_last_handled'), not(anyDepsMissing())),
    'on_missing',
  );
}
