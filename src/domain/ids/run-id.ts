import type { UlidFactory } from './ulid.js';

export const RUN_ID_PREFIX = 'run_';

/** Where decision code gets fresh identifiers: a ULID factory and the instant to stamp them with. */
export interface IdSource {
  readonly ulid: UlidFactory;
}

export function newRunId(ids: IdSource, nowEpochMs: number): string {
  return RUN_ID_PREFIX + ids.ulid(nowEpochMs);
}

const RUN_ID_PATTERN = /^run_[0-9A-HJKMNP-TV-Z]{26}$/;

export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value);
}
