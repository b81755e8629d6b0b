/**
 * `arco asset status KEY [--partition SELECTOR]`: how many partitions of an asset are MATERIALIZED,
 * FAILED, IN_PROGRESS and MISSING, the key ranges in each (`2024-01-01...2024-03-31`), and for one
 * partition (or an unpartitioned asset) its last materialization and last failure.
 */
import { Command } from 'commander';
import { formatDurationMinutes } from '../../domain/assets/index.js';
import type { AssetCheckView, FreshnessView, PartitionStatusView } from '../../runtime/index.js';
import { checkResultLabel, latestResult } from './asset-checks.js';
import { runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { printJson, printTable, statusColor } from '../output.js';

const STATUSES = ['MATERIALIZED', 'FAILED', 'IN_PROGRESS', 'MISSING'] as const;
const COUNT_FIELD = { MATERIALIZED: 'materialized', FAILED: 'failed', IN_PROGRESS: 'inProgress', MISSING: 'missing' } as const;

const number = (n: number): string => n.toLocaleString('en-US');

function rangeText(r: { start: string; end: string; count: number }): string {
  return r.start === r.end ? r.start : `${r.start}...${r.end} (${number(r.count)})`;
}

function printSummary(view: PartitionStatusView): void {
  const title = view.selector === null ? view.assetKey : `${view.assetKey} --partition ${view.selector}`;
  process.stdout.write(`${title}: ${number(view.counts.total)} partition${view.counts.total === 1 ? '' : 's'}\n`);
  printTable(
    ['status', 'partitions', 'key ranges'],
    STATUSES.map((s) => [
      statusColor(s),
      number(view.counts[COUNT_FIELD[s]]),
      view.ranges[s].map(rangeText).join('\n') + (view.rangesTruncated && view.ranges[s].length > 0 ? '\n…' : ''),
    ]),
  );
}

function printDetail(detail: NonNullable<PartitionStatusView['partition']>, assetKey: string): void {
  const m = detail.lastMaterialization;
  const f = detail.lastFailure;
  const rows: [string, string][] = [
    ['asset', assetKey],
    ['partition', detail.partitionKey ?? '(unpartitioned)'],
    ['status', statusColor(detail.status)],
    ['last materialized', m ? `${m.materializedAt} ${m.runId === null ? 'reported without a run' : `by ${m.runId}`}` : 'never'],
    ['data version', m?.dataVersion ?? ''],
    ['code version', m?.codeVersion ?? ''],
    ['metadata', m && Object.keys(m.metadata).length > 0 ? JSON.stringify(m.metadata) : ''],
    ['last failure', f ? `${f.failedAt} by ${f.runId} (${f.code})` : 'none'],
  ];
  printTable(['', ''], rows);
}

/** `warn after 720 min, fail after 1,440 min` or `due by 0 9 * * * (UTC), materialized within 1h before`. */
function policyText(policy: FreshnessView['policy']): string {
  if (policy.kind === 'cron') {
    return `due by ${policy.deadlineCron} (${policy.timezone}), materialized within ${formatDurationMinutes(policy.lowerBoundMinutes)} before`;
  }
  const warn = policy.warnAfterMinutes === null ? '' : `warn after ${number(policy.warnAfterMinutes)} min, `;
  return `${warn}fail after ${number(policy.failAfterMinutes)} min`;
}

function freshnessLine(f: NonNullable<FreshnessView>): string {
  const lag = f.lagMinutes === null ? 'never materialized' : `last materialized ${number(Math.round(f.lagMinutes))} min ago`;
  return `freshness: ${statusColor(f.state)} (${lag}; ${policyText(f.policy)})`;
}

/**
 * `checks: row_count PASS, not_null FAIL (ERROR), fresh never run`: each check's latest result (for
 * the one partition shown, when one is), in definition order.
 */
function checksLine(checks: readonly AssetCheckView[], partitionKey: string | null | undefined): string {
  const parts = checks.map((c) => {
    const r = partitionKey === undefined ? latestResult(c) : c.results.find((x) => x.partitionKey === partitionKey);
    if (!r) return `${c.name} never run`;
    const label = checkResultLabel(r);
    return r.status === 'FAILED' ? `${c.name} ${label} (${r.severity}${c.blocking ? ', blocking' : ''})` : `${c.name} ${label}`;
  });
  return `checks: ${parts.join(', ')}`;
}

export function assetStatusCommand(): Command {
  return withClientOptions(new Command('status'))
    .description('show how many partitions of an asset are MATERIALIZED, FAILED, IN_PROGRESS or MISSING, with their key ranges; one partition in detail')
    .argument('<key>', 'asset key, e.g. raw/events')
    .option('-p, --partition <selector>', 'only these partitions: a key (shows its last materialization and failure), START...END, a,b, or status:MISSING,FAILED')
    .addHelpText('after', "\nExamples:\n  arco asset status events\n  arco asset status events --partition 2024-01-01...2024-01-31\n  arco asset status events --partition 2024-01-05 --json\n")
    .action((key: string, options: CommonOptions & { partition?: string }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const view = await client.invoke('getAssetPartitionStatus', { key, partition: options.partition });
          const { checks } = await client.invoke('listAssetChecks', { key: view.assetKey });
          if (options.json) return printJson({ ...view, checks });
          if (view.partitioned && view.counts.total !== 1) printSummary(view);
          if (view.partition) printDetail(view.partition, view.assetKey);
          if (view.freshness) process.stdout.write(`${freshnessLine(view.freshness)}\n`);
          if (checks.length > 0) process.stdout.write(`${checksLine(checks, view.partition ? view.partition.partitionKey : undefined)}\n`);
        }),
      ),
    );
}
