import type { UlidFactory } from './ulid.js';

export const RUN_ID_PREFIX = 'run_';

/** Where decision code gets fresh identifiers: a ULID factory and the instant to stamp them with. */
export interface IdSource {
  readonly ulid: UlidFactory;
}

export function newRunId(ids: IdSource, nowEpochMs: number): string {
  return RUN_ID_PREFIX + ids.ulid(nowEpochMs);
}
