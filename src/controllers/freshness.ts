/**
 * Recording freshness changes (SEMANTICS §8), decided purely: for each asset with a freshness
 * policy, evaluate it at `now` against its latest materialization and compare with the state last
 * recorded. Only a difference becomes an `AssetFreshnessChanged`, numbered `stateVersion = recorded
 * + 1` and keyed `freshness:{assetKey}:{stateVersion}`: two daemons that see the same change (or one
 * daemon that decides twice from the same read) record it once, through the idempotency gate.
 *
 * The first evaluation of an asset is recorded too (stateVersion 1, previousState null), UNKNOWN
 * included, so every asset with a policy has a recorded state a sensor or an operator can read.
 * Assets whose policy was removed are not evaluated: their last record stays as it was.
 */
import { evaluateFreshness, type FreshnessPolicy } from '../domain/assets/index.js';
import { draft, idempotencyKeys, type EventDraft } from '../events/index.js';
import type { FreshnessState } from '../events/index.js';

export interface FreshnessSubject {
  readonly assetKey: string;
  readonly policy: FreshnessPolicy;
  /** The asset's latest materialization of any partition (ledger sequence and ISO time), or null. */
  readonly lastMaterialization: { readonly sequence: number; readonly materializedAt: string } | null;
}

export interface FreshnessInput {
  readonly subjects: readonly FreshnessSubject[];
  /** The recorded states and their versions, by asset key (assets never evaluated are absent). */
  readonly recorded: ReadonlyMap<string, { readonly state: FreshnessState; readonly stateVersion: number }>;
  readonly nowEpochMs: number;
}

/** One draft per asset whose freshness state differs from its recorded one, in subject order. */
export function decideFreshnessChanges(input: FreshnessInput): EventDraft[] {
  const evaluatedAt = new Date(input.nowEpochMs).toISOString();
  const drafts: EventDraft[] = [];
  for (const subject of input.subjects) {
    const last = subject.lastMaterialization;
    const { state, lagMinutes } = evaluateFreshness(subject.policy, last === null ? null : Date.parse(last.materializedAt), input.nowEpochMs);
    const recorded = input.recorded.get(subject.assetKey);
    if (recorded?.state === state) continue;
    const stateVersion = (recorded?.stateVersion ?? 0) + 1;
    drafts.push(
      draft(
        'AssetFreshnessChanged',
        {
          assetKey: subject.assetKey,
          stateVersion,
          state,
          previousState: recorded?.state ?? null,
          lagMinutes,
          materializationSequence: last?.sequence ?? null,
          evaluatedAt,
        },
        idempotencyKeys.assetFreshnessChanged(subject.assetKey, stateVersion),
        null,
      ),
    );
  }
  return drafts;
}
