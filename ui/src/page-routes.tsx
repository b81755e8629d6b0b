/**
 * Which page a path shows, each page its own chunk loaded when its path is first opened, so the
 * first page a visitor opens waits for its own code only. Not React.lazy with Suspense: React 19
 * holds back the content of a Suspense boundary that showed its fallback for up to 300 ms, and the
 * first paint of every page paid that (measured: the grid's API calls went out 264 ms after its
 * code had arrived). A page whose code is not here yet shows a line saying so, without a boundary.
 */
import { useEffect, useState, type ReactNode } from 'react';

/** A page's code, once loaded: renders it for the part of the path its route matched. */
type Render = (match: string) => ReactNode;

interface Route {
  /** The matched rest of the path ('' for an exact path), or undefined when the path is another page's. */
  readonly match: (path: string) => string | undefined;
  readonly load: () => Promise<Render>;
}

const exact = (...paths: string[]) => (path: string) => (paths.includes(path) ? '' : undefined);
const under = (prefix: string) => (path: string) => (path.startsWith(prefix) && path.length > prefix.length ? path.slice(prefix.length) : undefined);

// Exact paths before prefixes: /runs/timeline is a view, not a run named "timeline".
const ROUTES: readonly Route[] = [
  { match: exact('/', '/assets'), load: async () => { const { AssetsPage } = await import('./pages/AssetsPage.js'); return () => <AssetsPage />; } },
  { match: under('/assets/'), load: async () => { const { AssetPage } = await import('./pages/AssetPage.js'); return (m) => <AssetPage assetKey={m} />; } },
  { match: exact('/runs'), load: async () => { const { RunsPage } = await import('./pages/RunsPage.js'); return () => <RunsPage />; } },
  { match: exact('/runs/timeline'), load: async () => { const { RunsTimelinePage } = await import('./pages/RunsTimelinePage.js'); return () => <RunsTimelinePage />; } },
  { match: exact('/runs/launchpad'), load: async () => { const { LaunchpadPage } = await import('./pages/LaunchpadPage.js'); return () => <LaunchpadPage />; } },
  { match: under('/runs/'), load: async () => { const { RunPage } = await import('./pages/RunPage.js'); return (m) => <RunPage runId={m} />; } },
  { match: exact('/automation'), load: async () => { const { AutomationPage } = await import('./pages/AutomationPage.js'); return () => <AutomationPage />; } },
  { match: under('/automation/schedules/'), load: async () => { const { SchedulePage } = await import('./pages/SchedulePage.js'); return (m) => <SchedulePage name={m} />; } },
  { match: under('/automation/sensors/'), load: async () => { const { SensorPage } = await import('./pages/SensorPage.js'); return (m) => <SensorPage name={m} />; } },
  { match: exact('/backfills'), load: async () => { const { BackfillsPage } = await import('./pages/BackfillsPage.js'); return () => <BackfillsPage />; } },
  { match: under('/backfills/'), load: async () => { const { BackfillPage } = await import('./pages/BackfillPage.js'); return (m) => <BackfillPage backfillId={m} />; } },
  { match: exact('/instance'), load: async () => { const { InstancePage } = await import('./pages/InstancePage.js'); return () => <InstancePage />; } },
  { match: exact('/instance/parity'), load: async () => { const { ParityPage } = await import('./pages/ParityPage.js'); return () => <ParityPage />; } },
];

const loaded = new Map<Route, Render>();
const loading = new Map<Route, Promise<Render>>();

function routeOf(path: string): { route: Route; match: string } | undefined {
  for (const route of ROUTES) {
    const match = route.match(path);
    if (match !== undefined) return { route, match };
  }
  return undefined;
}

function load(route: Route): Promise<Render> {
  let pending = loading.get(route);
  if (!pending) {
    pending = route.load().then((render) => {
      loaded.set(route, render);
      return render;
    });
    // A failed load (a new release replaced the chunk) is tried again on the next visit.
    pending.catch(() => loading.delete(route));
    loading.set(route, pending);
  }
  return pending;
}

/** Starts loading the code of the page at `path`: main.tsx calls it before the app's first render. */
export function preloadPage(path: string): void {
  const found = routeOf(path);
  if (found) void load(found.route).catch(() => undefined);
}

export function PageView({ path }: { path: string }) {
  const found = routeOf(path);
  const route = found?.route;
  const render = route ? loaded.get(route) : undefined;
  const [failed, setFailed] = useState<unknown>(null);
  const [, setLoadedCount] = useState(0);
  useEffect(() => {
    if (!route || render) return;
    let current = true;
    load(route).then(
      () => current && setLoadedCount((n) => n + 1),
      (error: unknown) => current && setFailed(error),
    );
    return () => {
      current = false;
    };
  }, [route, render]);

  if (!found) {
    return (
      <div className="panel">
        <h1>Not found</h1>
        <p>No view at {path}.</p>
      </div>
    );
  }
  if (render) return render(found.match);
  if (failed) return <p className="error-box" role="alert">This page could not be loaded ({String(failed)}): reload to try again.</p>;
  return <p className="muted">Loading…</p>;
}
