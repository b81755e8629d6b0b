/** The frame: a top bar with the views and the theme toggle, and the page the URL names. */
import { useState } from 'react';
import { savedToken, saveToken } from './api.js';
import { useLoginNeeded } from './auth.js';
import { useOp } from './hooks.js';
import { Link, useLocation } from './router.js';
import { applyTheme, effectiveTheme, type Theme } from './theme.js';
import { AssetsPage } from './pages/AssetsPage.js';
import { AssetPage } from './pages/AssetPage.js';
import { AutomationPage } from './pages/AutomationPage.js';
import { BackfillPage } from './pages/BackfillPage.js';
import { BackfillsPage } from './pages/BackfillsPage.js';
import { InstancePage } from './pages/InstancePage.js';
import { LaunchpadPage } from './pages/LaunchpadPage.js';
import { LoginPage } from './pages/LoginPage.js';
import { ParityPage } from './pages/ParityPage.js';
import { RunPage } from './pages/RunPage.js';
import { RunsPage } from './pages/RunsPage.js';
import { RunsTimelinePage } from './pages/RunsTimelinePage.js';
import { SchedulePage } from './pages/SchedulePage.js';
import { SensorPage } from './pages/SensorPage.js';

const VIEWS = [
  ['/assets', 'Assets'],
  ['/runs', 'Runs'],
  ['/automation', 'Automation'],
  ['/backfills', 'Backfills'],
  ['/instance', 'Instance'],
] as const;

function rest(path: string, prefix: string): string | undefined {
  return path.startsWith(prefix) && path.length > prefix.length ? path.slice(prefix.length) : undefined;
}

function Page({ path }: { path: string }) {
  let m: string | undefined;
  if (path === '/' || path === '/assets') return <AssetsPage />;
  if ((m = rest(path, '/assets/'))) return <AssetPage assetKey={m} />;
  if (path === '/runs') return <RunsPage />;
  if (path === '/runs/timeline') return <RunsTimelinePage />;
  if (path === '/runs/launchpad') return <LaunchpadPage />;
  if ((m = rest(path, '/runs/'))) return <RunPage runId={m} />;
  if (path === '/automation') return <AutomationPage />;
  if ((m = rest(path, '/automation/schedules/'))) return <SchedulePage name={m} />;
  if ((m = rest(path, '/automation/sensors/'))) return <SensorPage name={m} />;
  if (path === '/backfills') return <BackfillsPage />;
  if ((m = rest(path, '/backfills/'))) return <BackfillPage backfillId={m} />;
  if (path === '/instance') return <InstancePage />;
  if (path === '/instance/parity') return <ParityPage />;
  return (
    <div className="panel">
      <h1>Not found</h1>
      <p>No view at {path}.</p>
    </div>
  );
}

function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(effectiveTheme());
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      aria-label={`Switch to ${next} theme`}
      title={`Switch to ${next} theme`}
      onClick={() => {
        applyTheme(next);
        setTheme(next);
      }}
    >
      {theme === 'dark' ? '☀ Light' : '☾ Dark'}
    </button>
  );
}

/** Who is signed in, and so which controls the pages show: a viewer sees no write buttons. */
function Caller() {
  const me = useOp('whoami', {}, { poll: false, enabled: !useLoginNeeded() });
  if (!me.data?.tokenName) return null;
  return (
    <span className="muted small" aria-label="Signed in as">
      {me.data.tokenName} ({me.data.role})
    </span>
  );
}

export function App() {
  const { path } = useLocation();
  const login = useLoginNeeded();
  const section = '/' + (path.split('/')[1] || 'assets');
  return (
    <>
      <header className="topbar">
        <Link to="/assets" className="brand">
          Arco <span>Flow</span>
        </Link>
        <nav aria-label="Views">
          {VIEWS.map(([to, label]) => (
            <Link key={to} to={to} aria-current={section === to ? 'page' : undefined}>
              {label}
            </Link>
          ))}
        </nav>
        <Caller />
        {savedToken() ? (
          <button type="button" onClick={() => { saveToken(null); window.location.reload(); }}>
            Sign out
          </button>
        ) : null}
        <ThemeToggle />
      </header>
      <main>{login ? <LoginPage /> : <Page path={path} />}</main>
    </>
  );
}
