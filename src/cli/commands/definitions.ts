/** `arco definitions validate`: load a project's definitions and report what is wrong, starting nothing. */
import { Command } from 'commander';
import { runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { color, printJson } from '../output.js';

function validateCommand(): Command {
  return withClientOptions(new Command('validate'))
    .description("load the project's definitions and print the load error, or a summary of what they define; exits 1 when they do not load")
    .action((options: CommonOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const result = await client.invoke('validateDefinitions', {});
          if (options.json) printJson(result);
          else if (result.summary !== null) {
            const s = result.summary;
            process.stdout.write(`${color('green', 'valid')} ${result.file ?? ''}: ${s.assets} assets (${s.partitionedAssets} partitioned), ${s.schedules} schedules, ${s.sensors} sensors\n`);
          } else {
            for (const e of result.errors) process.stdout.write(`${color('red', 'error')} ${e.code}: ${e.message}\n`);
          }
          if (!result.valid) process.exitCode = 1;
        }),
      ),
    );
}

export function definitionsCommand(): Command {
  const definitions = new Command('definitions').description("check a project's definitions");
  definitions.addCommand(validateCommand());
  return definitions;
}
