/** `arco partitions`: an asset's partition keys, keys across a dependency, and dynamic partition sets. */
import { Command, InvalidArgumentError } from 'commander';
import { runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { color, printJson } from '../output.js';

interface PartitionOptions extends CommonOptions {
  readonly now?: string;
  readonly select?: string;
}

function checkNow(value: string): string {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('--now must be an ISO-8601 time, e.g. 2024-03-01T00:00:00Z');
  return value;
}

function withPartitionOptions(command: Command): Command {
  return withClientOptions(command).option('--now <iso>', 'evaluate as of this time instead of now (previews, tests)', checkNow);
}

function printKeys(keys: readonly string[]): void {
  process.stdout.write(keys.length ? `${keys.join('\n')}\n` : '');
  process.stderr.write(`${keys.length} partition${keys.length === 1 ? '' : 's'}\n`);
}

export function partitionsCommand(): Command {
  const partitions = new Command('partitions').description("inspect partitions: an asset's keys, and how keys map across a dependency");
  partitions.addCommand(
    withPartitionOptions(new Command('keys'))
      .description("print an asset's partition keys in definition order (--json: a JSON array)")
      .argument('<asset>', 'asset key, e.g. events/daily')
      .option('--select <selector>', 'only the keys this selector names: KEY, START...END, a,b')
      .addHelpText('after', '\nExamples:\n  arco partitions keys events/daily --now 2024-03-01T00:00:00Z --json\n  arco partitions keys events/hourly --select 2024-01-01-05:00...2024-01-01-09:00\n')
      .action((asset: string, options: PartitionOptions) =>
        runAction(options, () =>
          withClient(options, async (client) => {
            const { keys } = await client.invoke('listPartitionKeys', { asset, select: options.select, now: options.now });
            if (options.json) printJson(keys);
            else printKeys(keys);
          }),
        ),
      ),
  );
  partitions.addCommand(
    withPartitionOptions(new Command('map'))
      .description('print the keys of TO_ASSET that correspond to KEYS of FROM_ASSET (FROM may be upstream or downstream of TO); required upstream keys that do not exist are listed apart')
      .argument('<fromAsset>')
      .argument('<toAsset>')
      .argument('<keys...>', 'partition keys or selectors of FROM_ASSET: KEY, START...END, a,b')
      .addHelpText(
        'after',
        '\nExamples:\n  arco partitions map events/hourly events/daily 2024-01-01-05:00 --json   # what this hour feeds\n  arco partitions map events/daily events/hourly 2024-01-01 --json         # what this day reads\n\n--json prints { "keys": [...], "requiredButNonexistent": [...] }.\n',
      )
      .action((from: string, to: string, keys: string[], options: PartitionOptions) =>
        runAction(options, () =>
          withClient(options, async (client) => {
            const result = await client.invoke('mapPartitions', { from, to, keys, now: options.now });
            if (options.json) return printJson(result);
            printKeys(result.keys);
            if (result.requiredButNonexistent.length > 0) {
              process.stderr.write(color('yellow', `required but nonexistent: ${result.requiredButNonexistent.join(', ')}\n`));
            }
          }),
        ),
      ),
  );
  for (const op of ['add', 'remove'] as const) {
    partitions.addCommand(
      withClientOptions(new Command(op))
        .description(`${op} keys ${op === 'add' ? 'to' : 'from'} a dynamic partitions set (recorded in the ledger; repeating it changes nothing)`)
        .argument('<name>', 'the set, as in dynamicPartitions(name)')
        .argument('<keys...>')
        .option('--request-id <id>', 'reuse when retrying, so the change is recorded once')
        .action((name: string, keys: string[], options: CommonOptions & { requestId?: string }) =>
          runAction(options, () =>
            withClient(options, async (client) => {
              const outcome = await client.invoke('changeDynamicPartitions', { name, op, keys, requestId: options.requestId });
              if (options.json) return printJson(outcome);
              process.stdout.write(`${outcome.name}: ${outcome.keys.length} key(s)${outcome.changed ? '' : ' (nothing changed)'}\n`);
            }),
          ),
        ),
    );
  }
  return partitions;
}
