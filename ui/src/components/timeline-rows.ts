/**
 * The rows of the runs timeline: one per thing that starts runs (a schedule, a sensor, a backfill,
 * the automation sensor, reruns, manual launches), each with its runs as spans in time. Pure, so
 * the grouping is the same however the runs were paged in.
 */
import type { Output } from '../api.js';

type Run = Output<'listRuns'>['runs'][number];

export interface TimelineSpan {
  readonly runId: string;
  readonly status: string;
  readonly fromMs: number;
  /** The end of the run, or now while it has not ended. */
  readonly toMs: number;
  readonly running: boolean;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface TimelineRow {
  /** Stable across polls: the trigger kind and the name of what triggered it. */
  readonly id: string;
  readonly kind: Run['trigger']['kind'];
  readonly label: string;
  /** Where the row's label leads (a schedule, sensor or backfill page), if anywhere. */
  readonly to: string | undefined;
  readonly spans: TimelineSpan[];
}

/** Row order: automation that runs on its own first, then what people started. */
const KIND_ORDER: Record<Run['trigger']['kind'], number> = { schedule: 0, sensor: 1, automation: 2, backfill: 3, rerun: 4, manual: 5 };

function rowOf(trigger: Run['trigger']): Pick<TimelineRow, 'id' | 'kind' | 'label' | 'to'> {
  const d = trigger.detail;
  switch (trigger.kind) {
    case 'schedule':
      return { id: `schedule:${d.scheduleName}`, kind: 'schedule', label: `schedule ${d.scheduleName ?? '?'}`, to: d.scheduleName ? `/automation/schedules/${encodeURIComponent(d.scheduleName)}` : undefined };
    case 'sensor':
      return { id: `sensor:${d.sensorName}`, kind: 'sensor', label: `sensor ${d.sensorName ?? '?'}`, to: d.sensorName ? `/automation/sensors/${encodeURIComponent(d.sensorName)}` : undefined };
    case 'automation':
      return { id: `automation:${d.sensorName}`, kind: 'automation', label: `automation ${d.sensorName ?? ''}`.trim(), to: '/automation' };
    case 'backfill':
      return { id: `backfill:${d.backfillId}`, kind: 'backfill', label: `backfill ${d.backfillId ?? '?'}`, to: d.backfillId ? `/backfills/${encodeURIComponent(d.backfillId)}` : undefined };
    case 'rerun':
      return { id: 'rerun', kind: 'rerun', label: 'reruns', to: undefined };
    case 'manual':
      return { id: 'manual', kind: 'manual', label: 'manual launches', to: undefined };
  }
}

const ENDED: ReadonlySet<string> = new Set(['SUCCESS', 'FAILURE', 'CANCELED']);

/**
 * A run spans from its start (or its request, while queued or if it never started) to its end, or
 * to `nowMs` while it has not ended. A run is in one row only, even if two pages both held it.
 */
export function timelineRows(runs: readonly Run[], nowMs: number): TimelineRow[] {
  const rows = new Map<string, TimelineRow>();
  const seen = new Set<string>();
  for (const run of runs) {
    if (seen.has(run.runId)) continue;
    seen.add(run.runId);
    const head = rowOf(run.trigger);
    let row = rows.get(head.id);
    if (!row) rows.set(head.id, (row = { ...head, spans: [] }));
    const running = !ENDED.has(run.status);
    const fromMs = Date.parse(run.startedAt ?? run.createdAt);
    const toMs = run.finishedAt && !running ? Date.parse(run.finishedAt) : nowMs;
    row.spans.push({ runId: run.runId, status: run.status, fromMs, toMs: Math.max(toMs, fromMs), running, createdAt: run.createdAt, startedAt: run.startedAt, finishedAt: run.finishedAt });
  }
  for (const row of rows.values()) row.spans.sort((a, b) => a.fromMs - b.fromMs);
  return [...rows.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.label.localeCompare(b.label));
}
