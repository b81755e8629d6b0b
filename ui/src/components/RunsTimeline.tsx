/**
 * The runs timeline: a row per trigger, each run a bar from its start to its end (or to now while it
 * runs), coloured by status, over a window of time ending now. Bars are SVG links: Tab reaches them,
 * Enter or a click opens the run, and hover or focus shows the run's facts. Positions are percents of
 * the lane, so a resize needs no re-layout and a few thousand bars draw in one pass.
 */
import { useState, type FocusEvent, type MouseEvent } from 'react';
import { Link, navigate } from '../router.js';
import { tone } from './StatusBadge.js';
import { duration } from './Time.js';
import type { TimelineRow, TimelineSpan } from './timeline-rows.js';

/** A bar narrower than this (percent of the window) would vanish: short runs are drawn this wide. */
const BAR_WIDTH_MIN_PCT = 0.25;
/** Tick steps the axis chooses from, smallest first: the first that gives at most 8 ticks wins. */
const TICK_STEPS_MS = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880].map((m) => m * 60_000);
const TICKS_MAX = 8;
/** The width the facts box takes at most (styles.css .tl-tip). */
const TIP_WIDTH_PX = 280;

function ticksOf(fromMs: number, toMs: number): number[] {
  const step = TICK_STEPS_MS.find((s) => (toMs - fromMs) / s <= TICKS_MAX) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1]!;
  // Ticks on round local times: steps of a day fall on local midnight, not on UTC's.
  const offsetMs = new Date(fromMs).getTimezoneOffset() * 60_000;
  const first = Math.ceil((fromMs - offsetMs) / step) * step + offsetMs;
  const ticks: number[] = [];
  for (let t = first; t <= toMs; t += step) ticks.push(t);
  return ticks;
}

function tickLabel(ms: number, spanMs: number): string {
  const d = new Date(ms);
  if (spanMs > 2 * 86_400_000) return d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' }) + (d.getHours() === 0 ? '' : ` ${d.getHours()}h`);
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

const at = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** What a bar says on hover and to a screen reader. */
export function spanLabel(span: TimelineSpan): string {
  const ran = span.running ? `running for ${duration(span.toMs - span.fromMs)}` : `took ${duration(span.toMs - span.fromMs)}`;
  return `${span.runId}: ${span.status}, started ${at(span.startedAt)}, ${span.finishedAt && !span.running ? `ended ${at(span.finishedAt)}, ` : ''}${ran}`;
}

/** Height of one lane of bars; runs of a row that overlap in time take a lane each. */
const LANE_PX = 20;
/**
 * Lanes a row grows to at most: past this, overlapping runs share the last lane (a sensor firing
 * thousands of runs an hour is a dense band either way, and the row stays readable).
 */
const LANES_MAX = 4;

interface Bar {
  readonly span: TimelineSpan;
  readonly xPct: number;
  readonly widthPct: number;
  readonly lane: number;
}

/**
 * Places the spans (sorted by start) in lanes, each in the first lane free at its start, so runs
 * that overlap (a backfill's concurrent runs) are all visible and each can be clicked.
 */
function stack(spans: readonly TimelineSpan[], pct: (ms: number) => number): Bar[] {
  const laneEnds: number[] = [];
  return spans.map((span) => {
    const widthPct = Math.max(pct(span.toMs) - pct(span.fromMs), BAR_WIDTH_MIN_PCT);
    const xPct = Math.min(pct(span.fromMs), 100 - widthPct);
    let lane = laneEnds.findIndex((end) => end <= xPct);
    if (lane === -1) lane = laneEnds.length < LANES_MAX ? laneEnds.length : LANES_MAX - 1;
    laneEnds[lane] = xPct + widthPct;
    return { span, xPct, widthPct, lane };
  });
}

interface Hover {
  readonly span: TimelineSpan;
  readonly leftPx: number;
  readonly topPx: number;
}

export function RunsTimeline({ rows, fromMs, toMs }: { rows: readonly TimelineRow[]; fromMs: number; toMs: number }) {
  const [hover, setHover] = useState<Hover | null>(null);
  const spanMs = Math.max(toMs - fromMs, 1);
  const pct = (ms: number) => (100 * (Math.min(Math.max(ms, fromMs), toMs) - fromMs)) / spanMs;
  const ticks = ticksOf(fromMs, toMs);

  const show = (span: TimelineSpan) => (event: MouseEvent<Element> | FocusEvent<Element>) => {
    const chart = (event.currentTarget.closest('.timeline') as HTMLElement).getBoundingClientRect();
    const bar = event.currentTarget.getBoundingClientRect();
    // Kept inside the chart: a bar at the right edge opens its facts to the left.
    setHover({ span, leftPx: Math.max(0, Math.min(bar.left - chart.left, chart.width - TIP_WIDTH_PX)), topPx: bar.bottom - chart.top + 4 });
  };
  const open = (runId: string) => (event: MouseEvent<Element>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(`/runs/${runId}`);
  };

  return (
    <div className="timeline" role="table" aria-label="Runs timeline" onMouseLeave={() => setHover(null)}>
      <div role="row" className="tl-row tl-axis">
        <div role="columnheader" className="tl-label muted small">
          Trigger
        </div>
        <div role="columnheader" className="tl-lane" aria-label="Time">
          {ticks.map((t) => (
            <span key={t} className="tl-tick" style={{ left: `${pct(t)}%` }}>
              {tickLabel(t, spanMs)}
            </span>
          ))}
        </div>
      </div>
      {rows.map((row) => {
        const bars = stack(
          row.spans.filter((s) => s.toMs >= fromMs && s.fromMs <= toMs),
          pct,
        );
        const lanes = Math.max(1, ...bars.map((b) => b.lane + 1));
        return (
          <div role="row" className="tl-row" key={row.id} data-row={row.id}>
            <div role="rowheader" className="tl-label" title={row.label}>
              {row.to ? <Link to={row.to}>{row.label}</Link> : row.label}
              <span className="muted small"> · {bars.length}</span>
            </div>
            <div role="cell" className="tl-lane" style={{ height: lanes * LANE_PX + 4 }}>
              <svg width="100%" height="100%" aria-label={`Runs of ${row.label}`}>
                {ticks.map((t) => (
                  <line key={t} x1={`${pct(t)}%`} x2={`${pct(t)}%`} y1="0" y2="100%" className="tl-grid" />
                ))}
                {bars.map(({ span, xPct, widthPct, lane }) => (
                  <a
                    key={span.runId}
                    href={`/runs/${span.runId}`}
                    className={`tl-bar ${tone(span.status)}${span.running ? ' running' : ''}`}
                    aria-label={spanLabel(span)}
                    data-run-id={span.runId}
                    onClick={open(span.runId)}
                    onMouseEnter={show(span)}
                    onFocus={show(span)}
                    onBlur={() => setHover(null)}
                  >
                    <rect x={`${xPct}%`} y={3 + lane * LANE_PX} width={`${widthPct}%`} height={LANE_PX - 4} rx="3" />
                  </a>
                ))}
              </svg>
            </div>
          </div>
        );
      })}
      {rows.length === 0 ? <p className="muted">No run in this window.</p> : null}
      {hover ? (
        <div className="tl-tip" role="tooltip" style={{ left: hover.leftPx, top: hover.topPx }}>
          <div className="mono">{hover.span.runId}</div>
          <div>
            <span className={`badge ${tone(hover.span.status)}`}>{hover.span.status}</span>
          </div>
          <div className="small">requested {at(hover.span.createdAt)}</div>
          <div className="small">started {at(hover.span.startedAt)}</div>
          <div className="small">{hover.span.running ? `running for ${duration(hover.span.toMs - hover.span.fromMs)}` : `ended ${at(hover.span.finishedAt)} (${duration(hover.span.toMs - hover.span.fromMs)})`}</div>
        </div>
      ) : null}
    </div>
  );
}
