/** `arco instance info`: the store, version, settings, daemons (leader and standbys) and workers. */
import { Command } from 'commander';
import { runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { color, printJson, printTable } from '../output.js';

/** `1234` ms → `1.2s`, `95000` → `1m35s`: heartbeat ages as an operator reads them. */
function age(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  return minutes < 60 ? `${minutes}m${Math.floor((ms % 60_000) / 1000)}s` : `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}

function infoCommand(): Command {
  return withClientOptions(new Command('info'))
    .description('show the store, version, instance settings, the leading and standby daemons with their heartbeat ages, and workers')
    .addHelpText('after', '\nExamples:\n  arco instance info --db postgres://arco@db/arco\n  arco instance info --url http://daemon:3000 --json\n')
    .action((options: CommonOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const info = await client.invoke('getInstance', {});
          if (options.json) return printJson(info);
          const leader = info.leader;
          process.stdout.write(
            [
              `${color('bold', 'Arco Flow')} ${info.version}`,
              `  store     ${info.store.engine}${info.store.location ? ` ${info.store.location}` : ''}`,
              `  leader    ${leader ? `${leader.daemonId} (fencing token ${leader.fencingToken}, lease ${leader.leaseExpired ? color('yellow', `expired at ${leader.leaseExpiresAt}`) : `until ${leader.leaseExpiresAt}`})` : 'none yet (no daemon has run on this store)'}`,
              `  settings  ${JSON.stringify(info.settings)}`,
              '',
            ].join('\n'),
          );
          if (info.daemons.length === 0) process.stdout.write('no daemon heard from in the last day\n');
          else printTable(['daemon', 'role', 'host', 'pid', 'started', 'last heartbeat', 'fencing token'], info.daemons.map((d) => [d.daemonId, d.role, d.host, d.pid, d.startedAt, `${age(d.heartbeatAgeMs)} ago`, d.fencingToken]));
          for (const d of info.daemons) {
            if (d.loops.length > 0) process.stdout.write(`${d.daemonId} loops: ${d.loops.map((l) => `${l.loop} ${age(l.ageMs)} ago`).join(', ')}\n`);
          }
          if (info.workers.length === 0) process.stdout.write('no remote worker registered (arco worker); daemons run their own worker processes\n');
          else
            printTable(
              ['worker', 'host', 'pid', 'slots', 'busy', 'last heartbeat', 'status'],
              info.workers.map((w) => [w.workerId, w.host, w.pid, w.slots, w.busySlots, `${age(w.heartbeatAgeMs)} ago`, w.alive ? 'alive' : color('yellow', `lost (silent > ${age(w.heartbeatTimeoutMs)})`)]),
            );
        }),
      ),
    );
}

export function instanceCommand(): Command {
  return new Command('instance').description('inspect this Arco Flow instance (store, daemons, workers)').addCommand(infoCommand());
}
