/** The `arco` command line. */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { adminCommand } from './commands/admin.js';
import { apiCommand } from './commands/api.js';
import { assetCommand } from './commands/asset.js';
import { backfillCommand } from './commands/backfill.js';
import { completionCommand } from './commands/completion.js';
import { definitionsCommand } from './commands/definitions.js';
import { devCommand } from './commands/dev.js';
import { daemonCommand } from './commands/daemon.js';
import { debugCommand } from './commands/debug.js';
import { workerCommand } from './commands/worker.js';
import { instanceCommand } from './commands/instance.js';
import { parityCommand } from './commands/parity.js';
import { partitionsCommand } from './commands/partitions.js';
import { runCommand } from './commands/run.js';
import { cancelCommand, logsCommand, runsCommand, statusCommand } from './commands/runs.js';
import { scheduleCommand } from './commands/schedule.js';
import { sensorCommand } from './commands/sensor.js';
import { automationCommand } from './commands/automation.js';
import { sqlCommand } from './commands/sql.js';
import { tokenCommand } from './commands/token.js';
import { poolCommand } from './commands/pool.js';

// Read here rather than through project.ts, which loads the runtime: `arco --help` needs none of it.
const { version } = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string };

export function buildProgram(): Command {
  const program = new Command('arco')
    .description('Arco Flow: asset-first data orchestration on an event-sourced ledger')
    .version(version)
    .showHelpAfterError();
  for (const command of [devCommand(), daemonCommand(), workerCommand(), instanceCommand(), runCommand(), runsCommand(), statusCommand(), logsCommand(), cancelCommand(), assetCommand(), definitionsCommand(), backfillCommand(), partitionsCommand(), scheduleCommand(), sensorCommand(), automationCommand(), sqlCommand(), tokenCommand(), poolCommand(), apiCommand(), adminCommand(), debugCommand(), parityCommand(), completionCommand(() => program)]) {
    program.addCommand(command);
  }
  return program;
}

// `arco runs | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

await buildProgram().parseAsync(process.argv);
