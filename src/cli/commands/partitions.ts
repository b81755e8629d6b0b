/** `arco partitions`: an asset's partition keys, keys across a dependency, and dynamic partition sets. */
import { Command, InvalidArgumentError } from 'commander';
import { assetPartitionKeys, mapPartitionKeys } from '../../runtime/index.js';
import { LocalBackend } from '../backend.js';
import { openBackend, runAction, withBackendOptions, withProjectOptions, type CommonOptions } from '../common.js';
import { printJson } from '../output.js';
import { resolveProject } from '../project.js';

interface PartitionOptions extends CommonOptions {
  readonly now?: number;
}

function parseNow(value: string): number {
  const epochMs = Date.parse(value);
  if (Number.isNaN(epochMs)) throw new InvalidArgumentError('--now must be an ISO-8601 time, e.g. 2024-03-01T00:00:00Z');
  return epochMs;
}

function withPartitionOptions(command: Command): Command {
  return withProjectOptions(command)
    .option('--now <iso>', 'evaluate as of this time instead of now (previews, tests)', parseNow)
    .option('--json', 'print a JSON array of keys');
}

async function withRuntime<T>(options: PartitionOptions, body: (backend: LocalBackend) => Promise<T>): Promise<T> {
  const backend = new LocalBackend(resolveProject(options));
  try {
    return await body(backend);
  } finally {
    await backend.close();
  }
}

function printKeys(keys: readonly string[], json: boolean | undefined): void {
  if (json) return printJson(keys);
  process.stdout.write(keys.length ? `${keys.join('\n')}\n` : '');
  process.stderr.write(`${keys.length} partition${keys.length === 1 ? '' : 's'}\n`);
}

export function partitionsCommand(): Command {
  const partitions = new Command('partitions').description("inspect partitions: an asset's keys, and how keys map across a dependency");
  partitions.addCommand(
    withPartitionOptions(new Command('keys'))
      .description("print an asset's partition keys in definition order")
      .argument('<asset>', 'asset key, e.g. events/daily')
      .addHelpText('after', '\nExample:\n  arco partitions keys events/daily --now 2024-03-01T00:00:00Z --json\n')
      .action((asset: string, options: PartitionOptions) =>
        runAction(options, () =>
          withRuntime(options, async (backend) => printKeys(await assetPartitionKeys(await backend.runtime(), asset, options.now ?? Date.now()), options.json)),
        ),
      ),
  );
  partitions.addCommand(
    withPartitionOptions(new Command('map'))
      .description('print the keys of TO_ASSET that correspond to KEYS of FROM_ASSET (FROM may be upstream or downstream of TO)')
      .argument('<fromAsset>')
      .argument('<toAsset>')
      .argument('<keys...>')
      .addHelpText(
        'after',
        '\nExamples:\n  arco partitions map events/hourly events/daily 2024-01-01-05:00 --json   # what this hour feeds\n  arco partitions map events/daily events/hourly 2024-01-01 --json         # what this day reads\n',
      )
      .action((from: string, to: string, keys: string[], options: PartitionOptions) =>
        runAction(options, () =>
          withRuntime(options, async (backend) => printKeys(await mapPartitionKeys(await backend.runtime(), from, to, keys, options.now ?? Date.now()), options.json)),
        ),
      ),
  );
  for (const op of ['add', 'remove'] as const) {
    partitions.addCommand(
      withBackendOptions(new Command(op))
        .description(`${op} keys ${op === 'add' ? 'to' : 'from'} a dynamic partitions set (recorded in the ledger; repeating it changes nothing)`)
        .argument('<name>', 'the set, as in dynamicPartitions(name)')
        .argument('<keys...>')
        .option('--request-id <id>', 'reuse when retrying, so the change is recorded once')
        .action((name: string, keys: string[], options: CommonOptions & { requestId?: string }) =>
          runAction(options, async () => {
            const backend = await openBackend(options);
            try {
              const outcome = await backend.changeDynamicPartitions({ name, op, keys, requestId: options.requestId });
              if (options.json) return printJson(outcome);
              process.stdout.write(`${outcome.name}: ${outcome.keys.length} key(s)${outcome.changed ? '' : ' (nothing changed)'}\n`);
            } finally {
              await backend.close();
            }
          }),
        ),
    );
  }
  return partitions;
}
