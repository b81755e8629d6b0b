/** The views of the Runs page, each its own URL: the list, the timeline and the launchpad. */
import { Link } from '../router.js';

const VIEWS = [
  ['/runs', 'List'],
  ['/runs/timeline', 'Timeline'],
  ['/runs/launchpad', 'Launchpad'],
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
