/** The views of the Runs page, each its own URL: the list and the timeline. */
import { Link } from '../router.js';

const VIEWS = [
  ['/runs', 'List'],
  ['/runs/timeline', 'Timeline'],
] as const;

export function RunsViews({ current }: { current: (typeof VIEWS)[number][0] }) {
  return (
    <nav className="tabs" aria-label="Runs views">
      {VIEWS.map(([to, label]) => (
        <Link key={to} to={to} aria-current={current === to ? 'page' : undefined}>
          {label}
        </Link>
      ))}
    </nav>
  );
}
