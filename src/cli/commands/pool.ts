/**
 * `arco pool list|set`: pools cap how many tasks of their assets run at once (Dagster's
 * concurrency pools). An asset joins a pool with `pool: 'warehouse'` in defineAsset.
 */
import { Command, InvalidArgumentError } from 'commander';
import { runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { printJson, printTable } from '../output.js';

function limitArgument(value: string): number | null {
  if (value === 'unlimited') return null;
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('a whole number of slots, or "unlimited"');
  return Number.parseInt(value, 10);
}

function listCommand(): Command {
  return withClientOptions(new Command('list'))
    .description('list pools: slot limit, slots in use now, and the assets in each')
    .action((options: CommonOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const { pools } = await client.invoke('listPools', {});
          if (options.json) return printJson({ pools });
          if (pools.length === 0) {
            process.stdout.write("no pools: give an asset `pool: 'NAME'` in defineAsset, then cap it with arco pool set NAME LIMIT\n");
            return;
          }
          printTable(
            ['pool', 'in use', 'limit', 'assets'],
            pools.map((p) => [p.pool, String(p.inUse), p.limit === null ? 'unlimited' : p.limitFrom === 'default' ? `${p.limit} (default)` : String(p.limit), p.assets.join(', ')]),
          );
        }),
      ),
    );
}

function setCommand(): Command {
  return withClientOptions(new Command('set'))
    .description('set how many tasks of a pool may run at once; waiting tasks say "pool NAME: N/N in use"')
    .argument('<pool>', 'pool name')
    .argument('<limit>', 'slots (0 holds every task of the pool), or "unlimited"', limitArgument)
    .addHelpText('after', '\nExamples:\n  arco pool set warehouse 4\n  arco pool set warehouse unlimited\n')
    .action((pool: string, limit: number | null, options: CommonOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const set = await client.invoke('setPoolLimit', { pool, limit });
          if (options.json) return printJson(set);
          process.stdout.write(`pool ${set.pool}: ${set.limit === null ? 'unlimited' : `${set.limit} slot${set.limit === 1 ? '' : 's'}`}\n`);
        }),
      ),
    );
}

export function poolCommand(): Command {
  return new Command('pool').description('pools: cap how many tasks of their assets run at once').addCommand(listCommand()).addCommand(setCommand());
}
