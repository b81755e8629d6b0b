/** `arco asset wipe`: forget the materialization history of assets (or of some of their partitions). */
import { Command } from 'commander';
import { runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { confirm } from '../confirm.js';
import { printJson } from '../output.js';

interface WipeOptions extends CommonOptions {
  readonly partition?: string;
  readonly yes?: boolean;
}

/** Partitions listed in a line before they are only counted. */
const KEYS_SHOWN_MAX = 5;

function describeTarget(a: { assetKey: string; partitionKeys: string[] | null }): string {
  if (a.partitionKeys === null) return `${a.assetKey}: every partition`;
  const keys = a.partitionKeys;
  const shown = keys.slice(0, KEYS_SHOWN_MAX).join(', ');
  return `${a.assetKey}: ${keys.length} partition${keys.length === 1 ? '' : 's'} (${shown}${keys.length > KEYS_SHOWN_MAX ? ', …' : ''})`;
}

export function assetWipeCommand(): Command {
  return withClientOptions(new Command('wipe'))
    .description("forget the selected assets' materialization history (as Dagster's asset wipe): they read as never materialized; recorded as an event, the ledger keeps everything")
    .argument('<selection>', 'asset selection, e.g. "raw/events" or "key:raw/*"')
    .option('--partition <selector>', 'only these partitions: a key, START...END or a,b (default: every partition)')
    .option('--yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    .addHelpText('after', '\nExamples:\n  arco asset wipe raw/events --yes\n  arco asset wipe days --partition 2024-01-01...2024-01-07\n')
    .action((selection: string, options: WipeOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const input = { selection, partition: options.partition ?? null };
          // Resolved first (unknown assets and partitions are refused here), then shown, then confirmed.
          const plan = await client.invoke('wipeAssets', { ...input, dryRun: true });
          if (!options.yes && !options.json) {
            process.stdout.write(`would wipe the materialization history of ${plan.assets.length} asset${plan.assets.length === 1 ? '' : 's'}:\n`);
            for (const a of plan.assets) process.stdout.write(`  ${describeTarget(a)}\n`);
          }
          await confirm('wipe?', 'the wipe', options.yes);
          const done = await client.invoke('wipeAssets', { ...input, dryRun: false });
          if (options.json) return printJson(done);
          for (const a of done.assets) process.stdout.write(`wiped ${describeTarget(a)}\n`);
        }),
      ),
    );
}
