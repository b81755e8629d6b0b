/**
 * `arco asset status KEY [--partition SELECTOR]`: how many partitions of an asset are MATERIALIZED,
 * FAILED, IN_PROGRESS and MISSING, the key ranges in each (`2024-01-01...2024-03-31`), and for one
 * partition (or an unpartitioned asset) its last materialization and last failure.
 */
import { Command } from 'commander';
import type { FreshnessView, PartitionStatusView } from '../../runtime/index.js';
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

function freshnessLine(f: NonNullable<FreshnessView>): string {
  const lag = f.lagMinutes === null ? 'never materialized' : `last materialized ${number(Math.round(f.lagMinutes))} min ago`;
  const warn = f.warnAfterMinutes === null ? '' : `warn after ${number(f.warnAfterMinutes)} min, `;
  return `freshness: ${statusColor(f.state)} (${lag}; ${warn}fail after ${number(f.failAfterMinutes)} min)`;
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
          if (options.json) return printJson(view);
          if (view.partitioned && view.counts.total !== 1) printSummary(view);
          if (view.partition) printDetail(view.partition, view.assetKey);
          if (view.freshness) process.stdout.write(`${freshnessLine(view.freshness)}\n`);
        }),
      ),
    );
}
