/**
 * Lets decision code see the state its own drafts lead to, by folding them in memory with the
 * same pure reducer the store uses. Drafts get a provisional envelope: time `now`, sequence 0
 * (the run reducer does not read sequences).
 */
import { InvariantError } from '../domain/errors/index.js';
import { EVENT_VERSION, DEFAULT_WORKSPACE, type EventDraft, type StoredEvent } from '../events/index.js';
import { foldInMemory, runsFamily, type RunProjection } from '../fold/index.js';

function provisional(drafts: readonly EventDraft[], nowIso: string): StoredEvent[] {
  return drafts.map(
    (d) =>
      ({
        type: d.type,
        payload: d.payload,
        idempotencyKey: d.idempotencyKey,
        correlationId: d.correlationId,
        eventId: '',
        version: EVENT_VERSION,
        at: nowIso,
        workspace: DEFAULT_WORKSPACE,
        causationId: d.causationId ?? null,
        sequence: 0,
      }) as StoredEvent,
  );
}

/** Folds drafts into a run; the run family's handlers never change the run they are handed. */
function foldDrafts(run: RunProjection | undefined, drafts: readonly EventDraft[], nowIso: string): RunProjection {
  const runId = run?.runId ?? (drafts[0]?.payload as { runId?: string } | undefined)?.runId ?? '';
  const rows = new Map<string, RunProjection>(run ? [[runId, run]] : []);
  const after = foldInMemory(runsFamily, rows, provisional(drafts, nowIso)).get(runId);
  if (!after) throw new InvariantError(`drafts to yield run ${runId}`, 'no run');
  return after;
}

/** The run the drafts lead to; `run` itself is left as it was. */
export function advanceRun(run: RunProjection | undefined, drafts: readonly EventDraft[], nowIso: string): RunProjection {
  return foldDrafts(run, drafts, nowIso);
}

/**
 * Accumulates drafts while keeping the run they lead to current. Folding shares every task a
 * draft does not touch, so neither the caller's run nor the runs that get no draft are copied.
 */
export class RunDecision {
  readonly drafts: EventDraft[] = [];
  private current: RunProjection;

  constructor(
    run: RunProjection,
    readonly nowIso: string,
  ) {
    this.current = run;
  }

  get run(): RunProjection {
    return this.current;
  }

  push(...drafts: EventDraft[]): void {
    if (drafts.length === 0) return;
    this.drafts.push(...drafts);
    this.current = foldDrafts(this.current, drafts, this.nowIso);
  }
}
