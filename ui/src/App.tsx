/** The frame: a top bar with the views and the theme toggle, and the page the URL names. */
import { useState } from 'react';
import { savedToken, saveToken } from './api.js';
import { useLoginNeeded } from './auth.js';
import { useOp } from './hooks.js';
import { Link, useLocation } from './router.js';
import { applyTheme, effectiveTheme, type Theme } from './theme.js';
import { LoginPage } from './pages/LoginPage.js';
import { PageView } from './page-routes.js';

const VIEWS = [
  ['/assets', 'Assets'],
  ['/runs', 'Runs'],
  ['/automation', 'Automation'],
  ['/backfills', 'Backfills'],
  ['/instance', 'Instance'],
] as const;

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
      <main>
        {login ? (
          <LoginPage />
        ) : (
          <PageView path={path} />
        )}
      </main>
    </>
  );
}
