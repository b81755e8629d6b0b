/**
 * `arco asset stale`: which assets (and partitions) are MISSING, STALE or FRESH, and why. One row
 * per unpartitioned asset; a partitioned asset gets a row with its partition counts, then one row per
 * stale partition (fresh ones are left out of the table; `--json` has every one).
 */
import { Command } from 'commander';
import type { AssetStalenessView, StaleCauseView } from '../../runtime/index.js';
import { runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { printJson, printTable } from '../output.js';

const refText = (ref: { assetKey: string; partitionKey: string | null }): string => (ref.partitionKey === null ? ref.assetKey : `${ref.assetKey}[${ref.partitionKey}]`);

/** `has a new dependency data version (raw/events)`; one line per cause. */
function causesText(causes: readonly StaleCauseView[]): string {
  return causes.map((c) => (c.dependency ? `${c.reason} (${refText(c.dependency)})` : c.reason)).join('\n');
}

function rowsOf(asset: AssetStalenessView): (string | null)[][] {
  if (asset.partitionCounts === null) return [[asset.assetKey, '', asset.status, causesText(asset.causes), asset.staleSince]];
  const counts = asset.partitionCounts;
  const summary = [asset.assetKey, `${counts.STALE} stale, ${counts.MISSING} missing, ${counts.FRESH} fresh`, asset.status, '', asset.staleSince];
  const stale = asset.partitions.filter((p) => p.status === 'STALE').map((p) => [asset.assetKey, p.partitionKey, p.status, causesText(p.causes), p.staleSince]);
  return [summary, ...stale];
}

export function assetStaleCommand(): Command {
  return withClientOptions(new Command('stale'))
    .description('show which assets and partitions are MISSING, STALE or FRESH, with the causes and since when (as Dagster\'s stale status)')
    .option('-s, --select <selection>', 'asset selection (default: every asset)')
    .addHelpText('after', "\nExamples:\n  arco asset stale\n  arco asset stale --select 'key:marts/*' --json\n")
    .action((options: CommonOptions & { select?: string }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const { assets } = await client.invoke('getStaleness', { select: options.select });
          if (options.json) return printJson(assets);
          printTable(['asset', 'partition', 'status', 'causes', 'stale since'], assets.flatMap(rowsOf));
        }),
      ),
    );
}
