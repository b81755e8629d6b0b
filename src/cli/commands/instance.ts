/**
 * `arco instance info`: the store, version, settings, daemons (leader and standbys) and workers.
 * `arco instance migrate`: bring the store's schema up to this build (as Dagster's `instance migrate`).
 */
import { Command } from 'commander';
import { arcoError } from '../../domain/errors/index.js';
import { runAction, withClient, withClientOptions, withProjectOptions, type CommonOptions } from '../common.js';
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

/**
 * Every store is migrated when it is opened; this command does only that, so a deployment can
 * upgrade its store as a step of its own (before starting the new daemons) and see what it did.
 */
function migrateCommand(): Command {
  return withProjectOptions(new Command('migrate'))
    .description("bring the store's schema up to this version of Arco Flow (forward only; every command also does it when it opens the store)")
    .option('--json', 'print JSON for scripts')
    .option('--url <url>', 'refused: migrating works on the store itself, never through a running instance')
    .addHelpText('after', '\nExamples:\n  arco instance migrate --db postgres://arco@db/arco\n  arco instance migrate --project ./my-project --json\n')
    .action((options: CommonOptions) =>
      runAction(options, async () => {
        if (options.url) throw arcoError('VALIDATION_ERROR', 'instance migrate works on the store itself and cannot go through a running instance: run it with --project or --db', { field: 'url' });
        const [{ openStore, describeStoreTarget }, { resolveProject }] = await Promise.all([import('../../store/index.js'), import('../project.js')]);
        const { storePath } = resolveProject(options);
        const store = await openStore(storePath);
        try {
          const { before, version } = store.schema;
          const result = { store: describeStoreTarget(storePath), before, version, migrated: version > before };
          if (options.json) return printJson(result);
          process.stdout.write(result.migrated ? `${result.store}: schema migrated from version ${before} to ${version}\n` : `${result.store}: schema at version ${version}, nothing to migrate\n`);
        } finally {
          await store.close();
        }
      }),
    );
}

export function instanceCommand(): Command {
  return new Command('instance').description('inspect this Arco Flow instance (store, daemons, workers) and migrate its store').addCommand(infoCommand()).addCommand(migrateCommand());
}
