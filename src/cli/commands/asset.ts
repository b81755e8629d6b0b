/** `arco asset list`: the assets a project defines, with their latest materialization. */
import { Command } from 'commander';
import { runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { printJson, printTable } from '../output.js';

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
            printTable(
              ['asset', 'group', 'deps', 'last materialized', 'run', 'freshness'],
              assets.map((a) => [
                a.key,
                a.group,
                a.deps.join(', '),
                a.latestMaterialization?.materializedAt ?? 'never',
                a.latestMaterialization?.runId ?? '',
                a.freshness?.state ?? '',
              ]),
            );
          }),
        ),
      ),
  );
  return asset;
}
