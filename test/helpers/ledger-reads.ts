/** What the process gates read back from a store: the whole ledger, and materializations per task. */
import type { StoredEvent } from '../../src/events/index.js';
import type { Store } from '../../src/store/index.js';

export async function allEvents(store: Store): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let afterSequence = 0; ; ) {
    const page = await store.ledger.readEvents({ afterSequence, limit: 1000 });
    if (page.length === 0) return events;
    events.push(...page);
    afterSequence = page[page.length - 1]?.sequence ?? afterSequence;
  }
}

/** `runId taskKey` → how many AssetMaterialized events that task recorded (exactly-once checks). */
export async function materializationsPerTask(store: Store): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const e of await allEvents(store)) {
    if (e.type !== 'AssetMaterialized') continue;
    const key = `${e.payload.runId} ${e.payload.taskKey}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
