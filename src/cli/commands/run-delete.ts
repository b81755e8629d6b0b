/** `arco run delete`: delete a finished run (its materializations still count). */
import { Command } from 'commander';
import { runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { confirm } from '../confirm.js';
import { printJson } from '../output.js';

export function runDeleteCommand(): Command {
  return withClientOptions(new Command('delete'))
    .description('delete a finished run: it leaves run lists and views and its logs are no longer served; what it materialized still counts, and its run key stays taken')
    .argument('<runId>')
    .option('--yes', 'do not ask for confirmation (needed when stdin is not a terminal)')
    // `arco run` declares the same client options and, as the parent, takes them when given after
    // `delete`: read them merged with the parent's.
    .action((runId: string, _options: unknown, command: Command) => {
      const options = command.optsWithGlobals<CommonOptions & { yes?: boolean }>();
      return runAction(options, () =>
        withClient(options, async (client) => {
          // Read first: an unknown run is refused before anyone is asked.
          const run = await client.invoke('getRun', { runId });
          if (!options.yes && !options.json) process.stdout.write(`would delete run ${run.runId} (${run.status}, created ${run.createdAt})\n`);
          await confirm('delete?', `deleting run ${runId}`, options.yes);
          const deleted = await client.invoke('deleteRun', { runId });
          if (options.json) return printJson(deleted);
          process.stdout.write(`deleted run ${deleted.runId}\n`);
        }),
      );
    });
}
