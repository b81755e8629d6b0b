/**
 * Runs over time (Dagster's Overview → Timeline): a row per schedule, sensor, backfill and manual
 * trigger, each run a bar. URL: /runs/timeline?window=24h (1h, 6h, 24h or 7d, ending now).
 */
import { useQuery } from '@tanstack/react-query';
import { call, type Output } from '../api.js';
import { ErrorNote } from '../components/ErrorNote.js';
import { RunsTimeline } from '../components/RunsTimeline.js';
import { RunsViews } from '../components/RunsViews.js';
import { timelineRows } from '../components/timeline-rows.js';
import { setQuery, useLocation } from '../router.js';

const WINDOWS = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 86_400_000 } as const;
type Window = keyof typeof WINDOWS;
const DEFAULT_WINDOW: Window = '24h';
/** The API's largest page of runs. */
const PAGE = 500;
/** Pages read per refresh: past 5,000 runs in one window the timeline says it shows the newest only. */
const PAGES_MAX = 10;
/** A timeline of thousands of runs is re-read less often than a list of 25. */
const REFRESH_MS = 5000;

type Run = Output<'listRuns'>['runs'][number];

/**
 * The runs created in the window, newest first, page by page, and the runs still in progress that
 * were created before it (a long run started yesterday still crosses today's window).
 */
async function runsOf(window: Window): Promise<{ runs: Run[]; truncated: boolean }> {
  const runs: Run[] = [];
  let cursor: string | undefined;
  let truncated = false;
  for (let page = 0; ; page += 1) {
    const answer = await call('listRuns', { since: window, limit: PAGE, ...(cursor ? { cursor } : {}) });
    runs.push(...answer.runs);
    if (!answer.nextCursor) break;
    if (page + 1 >= PAGES_MAX) {
      truncated = true;
      break;
    }
    cursor = answer.nextCursor;
  }
  const active = await call('listRuns', { status: 'QUEUED,STARTED,CANCELING', limit: PAGE });
  return { runs: [...runs, ...active.runs], truncated };
}

export function RunsTimelinePage() {
  const { query } = useLocation();
  const asked = query.get('window') ?? '';
  const window: Window = asked in WINDOWS ? (asked as Window) : DEFAULT_WINDOW;
  const runs = useQuery({ queryKey: ['runsTimeline', window], queryFn: () => runsOf(window), refetchInterval: REFRESH_MS, placeholderData: (previous) => previous });
  // The window ends at the moment of the answer, so bars and axis agree with the data shown.
  const toMs = runs.dataUpdatedAt || Date.now();
  const fromMs = toMs - WINDOWS[window];
  const rows = timelineRows(runs.data?.runs ?? [], toMs);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Runs</h1>
          <RunsViews current="/runs/timeline" />
        </div>
        <label className="field">
          Window
          <select value={window} onChange={(e) => setQuery({ window: e.target.value === DEFAULT_WINDOW ? undefined : e.target.value })}>
            {Object.keys(WINDOWS).map((w) => (
              <option key={w} value={w}>
                last {w}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={runs.error} />
      {runs.data?.truncated ? <p className="notice">More than {PAGE * PAGES_MAX} runs in this window: the newest are shown. Choose a shorter window to see all.</p> : null}
      <div className="panel">{runs.data ? <RunsTimeline rows={rows} fromMs={fromMs} toMs={toMs} /> : <p className="muted">Loading runs…</p>}</div>
      <div className="legend" aria-label="Colours">
        <span><i className="seg-ok" />succeeded</span>
        <span><i className="seg-bad" />failed</span>
        <span><i className="seg-busy" />running</span>
        <span><i className="seg-warn" />queued or canceling</span>
        <span><i style={{ background: 'var(--idle)' }} />canceled</span>
      </div>
    </>
  );
}
