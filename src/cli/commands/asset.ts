/** `arco asset list`: the assets a project defines, with their latest materialization. */
import { Command } from 'commander';
import { runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { printJson, printTable } from '../output.js';
import { assetObserveCommand, assetReportMaterializationCommand } from './asset-external.js';
import { assetChecksCommand } from './asset-checks.js';
import { assetStaleCommand } from './asset-stale.js';
import { assetStatusCommand } from './asset-status.js';
import { assetWipeCommand } from './asset-wipe.js';

/** `1,203/1,461 materialized, 3 failed` (failed and in progress only when there are some); blank when unpartitioned. */
function partitionHealthText(h: { total: number; materialized: number; failed: number; inProgress: number } | null): string {
  if (h === null) return '';
  const n = (x: number) => x.toLocaleString('en-US');
  const parts = [`${n(h.materialized)}/${n(h.total)} materialized`];
  if (h.failed > 0) parts.push(`${n(h.failed)} failed`);
  if (h.inProgress > 0) parts.push(`${n(h.inProgress)} in progress`);
  return parts.join(', ');
}

/** `2026-12-06T08:44:15.843Z` → `2026-12-06 08:44`. */
function minuteOf(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

export function assetCommand(): Command {
  const asset = new Command('asset').description('inspect assets');
  asset.addCommand(
    withClientOptions(new Command('list'))
      .description('list assets (or a selection) in key order with their latest materialization and freshness (PASS, WARN, FAIL, UNKNOWN; blank without a policy)')
      .option('-s, --select <selection>', 'asset selection; matching nothing prints an empty list')
      .action((options: CommonOptions & { select?: string }) =>
        runAction(options, () =>
          withClient(options, async (client) => {
            const { assets } = await client.invoke('listAssets', { select: options.select });
            if (options.json) return printJson(assets);
            // Deps and run ids make the table too wide for a terminal; --json and `asset status` have them.
            printTable(
              ['asset', 'group', 'materialized (UTC)', 'freshness', 'partitions'],
              assets.map((a) => [
                a.key,
                a.group,
                a.latestMaterialization ? minuteOf(a.latestMaterialization.materializedAt) : 'never',
                a.freshness?.state ?? '',
                partitionHealthText(a.partitionHealth),
              ]),
            );
          }),
        ),
      ),
  );
  asset.addCommand(assetStaleCommand());
  asset.addCommand(assetStatusCommand());
  asset.addCommand(assetReportMaterializationCommand());
  asset.addCommand(assetObserveCommand());
  asset.addCommand(assetWipeCommand());
  asset.addCommand(assetChecksCommand());
  return asset;
}
