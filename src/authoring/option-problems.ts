/**
 * What was wrong with the options a definitions file passed, read from zod's first issue: the
 * field and the reason, and for an option that does not exist, the nearest options that do ("did
 * you mean"). Names Dagster users bring along (`ins`, `execution_timezone`, `asset_selection`…)
 * point to ours even where no spelling is near.
 */
import { z } from 'zod';
import { didYouMean, nearestNames } from '../domain/suggestions/index.js';

export interface OptionProblem {
  /** Dotted path of the offending option, e.g. `retry.maxRetries`; `options` for the whole object. */
  readonly field: string;
  /** `is not an option` for an unknown option, else zod's message. */
  readonly reason: string;
  /** Existing options nearest to an unknown one (empty otherwise), nearest first. */
  readonly suggestions: readonly string[];
}

/** Our option for the name a Dagster user (or a reader of other tools) might type, keyed normalized. */
const OPTION_ALIASES: Readonly<Record<string, string>> = {
  name: 'key',
  ins: 'deps',
  dependson: 'deps',
  upstream: 'deps',
  fn: 'compute',
  computefn: 'compute',
  executiontimezone: 'timezone',
  tz: 'timezone',
  job: 'target',
  jobname: 'target',
  selection: 'target',
  assetselection: 'target',
  cronschedule: 'cron',
  schedule: 'cron',
  evaluationfn: 'evaluate',
  partitionsdef: 'partitions',
  partitionfn: 'partition',
  freshnesspolicy: 'freshness',
  internalfreshnesspolicy: 'freshness',
  failwindow: 'failAfter',
  warnwindow: 'warnAfter',
  maximumlagminutes: 'maxLagMinutes',
  lowerbounddelta: 'lowerBound',
};

function unwrapped(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

/** The option names an object schema accepts at `path` (none when it is not an object there). */
export function optionNamesAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current = unwrapped(schema);
  for (const segment of path) {
    if (!(current instanceof z.ZodObject)) return [];
    const next = (current.shape as Record<string, z.ZodType>)[String(segment)];
    if (next === undefined) return [];
    current = unwrapped(next);
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

/** The options nearest to `unknown` among `known`: an alias first, then by spelling. */
export function nearestOptions(unknown: string, known: readonly string[]): string[] {
  const alias = OPTION_ALIASES[unknown.toLowerCase().replace(/[_\-\s]/g, '')];
  const spelled = nearestNames(unknown, known);
  return alias !== undefined && known.includes(alias) ? [alias, ...spelled.filter((s) => s !== alias)] : spelled;
}

/**
 * The problem to report from a failed parse of `schema`: an unknown option first (a misspelled
 * `startDate` also leaves `start` missing, and the suggestion explains both), else the first issue.
 */
export function optionProblem(schema: z.ZodType, error: z.ZodError): OptionProblem {
  const issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0];
  const path = issue?.path ?? [];
  const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const field = [...path.map(String), ...(unknownKey === undefined ? [] : [unknownKey])].join('.') || 'options';
  if (unknownKey === undefined) return { field, reason: issue?.message ?? 'is invalid', suggestions: [] };
  return { field, reason: 'is not an option', suggestions: nearestOptions(unknownKey, optionNamesAt(schema, path)) };
}

/** `field reason` plus "did you mean", for messages: `dependencies is not an option; did you mean "deps"?`. */
export function describeOptionProblem(problem: OptionProblem): string {
  return `${problem.field} ${problem.reason}${didYouMean(problem.suggestions)}`;
}
