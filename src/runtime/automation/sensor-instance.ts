/** The read-only view of the instance sensor functions get as `ctx.instance`, backed by the store. */
import type { MaterializationRecord, PartitionStatusRecord, SensorInstance } from '../../authoring/index.js';
import type { Materialization } from '../../fold/index.js';
import type { Store } from '../../store/index.js';
import { latestAssetCheckResults } from '../asset-checks.js';

/** A read may return at most this many materializations. */
export const INSTANCE_READ_MAX = 1_000;
const INSTANCE_READ_DEFAULT = 100;

export function materializationRecord(m: Materialization): MaterializationRecord {
  return {
    sequence: m.sequence,
    assetKey: m.assetKey,
    partitionKey: m.partitionKey,
    runId: m.runId,
    dataVersion: m.dataVersion,
    codeVersion: m.codeVersion,
    metadata: m.metadata,
    materializedAt: m.materializedAt,
  };
}

export function sensorInstance(store: Store): SensorInstance {
  return {
    async materializations(assetKey, options = {}) {
      const limit = Math.min(Math.max(1, options.limit ?? INSTANCE_READ_DEFAULT), INSTANCE_READ_MAX);
      return (await store.automation.listMaterializationsAfter(assetKey, options.afterSequence ?? 0, limit)).map(materializationRecord);
    },
    async latestMaterialization(assetKey, partitionKey) {
      if (partitionKey === undefined) {
        const [latest] = await store.assets.listMaterializations(assetKey, 1);
        return latest ? materializationRecord(latest) : null;
      }
      const state = (await store.assets.listAssetPartitions(assetKey)).find((s) => s.partitionKey === partitionKey);
      return state?.lastMaterialization ? materializationRecord(state.lastMaterialization) : null;
    },
    async partitionStatuses(assetKey): Promise<PartitionStatusRecord[]> {
      return (await store.assets.listAssetPartitions(assetKey)).map((s) => ({
        partitionKey: s.partitionKey,
        status: s.lastFailure !== null && (s.lastMaterialization === null || s.lastFailure.failedAt > s.lastMaterialization.materializedAt) ? 'FAILED' : 'MATERIALIZED',
        lastMaterializedAt: s.lastMaterialization?.materializedAt ?? null,
        lastRunId: s.lastMaterialization?.runId ?? null,
        lastFailedAt: s.lastFailure?.failedAt ?? null,
      }));
    },
    dynamicPartitionKeys: (name) => store.automation.getDynamicPartitionKeys(name),
    async checkResults(assetKey, checkName) {
      return (await latestAssetCheckResults(store, assetKey, checkName === undefined ? {} : { checkName })).map((r) => ({
        assetKey: r.assetKey,
        checkName: r.checkName,
        partitionKey: r.partitionKey,
        status: r.status,
        severity: r.severity,
        metadata: r.metadata,
        runId: r.runId,
        recordedAt: r.recordedAt,
        sequence: r.sequence,
      }));
    },
    async freshness(assetKey) {
      const r = await store.assets.getAssetFreshness(assetKey);
      return r ? { assetKey: r.assetKey, state: r.state, stateVersion: r.stateVersion, previousState: r.previousState, changedAt: r.changedAt } : null;
    },
  };
}
