/** `arco admin rebuild`: drop every projection and replay the ledger (disaster recovery). */
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { arcoError } from '../../domain/errors/index.js';
import { runAction, withProjectOptions, type CommonOptions } from '../common.js';
import { isTty, printJson } from '../output.js';

export function adminCommand(): Command {
  const admin = new Command('admin').description('operate on the store');
  admin.addCommand(
    withProjectOptions(new Command('rebuild'))
      .description('drop all projections, replay the ledger, and check the projection hash is unchanged')
      .option('--json', 'print JSON for scripts')
      .option('--url <url>', 'refused: a rebuild works on the store itself, never through a running instance')
      .action((options: CommonOptions) =>
        runAction(options, async () => {
          if (options.url) {
            throw arcoError('VALIDATION_ERROR', 'admin rebuild replays the ledger into the store itself and cannot go through a running instance: stop arco dev, then run it with --project or --db', { field: 'url' });
          }
          const [{ openStore }, { resolveProject }] = await Promise.all([import('../../store/index.js'), import('../project.js')]);
          const store = await openStore(resolveProject(options).storePath);
          try {
            const before = await store.admin.projectionHash();
            const bar = !options.json && isTty() ? new SingleBar({ format: 'replaying {bar} {value}/{total} events' }) : undefined;
            bar?.start(await store.ledger.lastSequence(), 0);
            const { events, hash } = await store.admin.rebuildProjections((done) => bar?.update(done));
            bar?.stop();
            const result = { events, hashBefore: before, hashAfter: hash, equal: before === hash };
            if (options.json) printJson(result);
            else process.stdout.write(`replayed ${events} events\nhash before ${before}\nhash after  ${hash}\n${result.equal ? 'identical' : 'DIFFERENT'}\n`);
            if (!result.equal) throw arcoError('REBUILD_MISMATCH', 'projections rebuilt from the ledger differ from the ones before', result);
          } finally {
            await store.close();
          }
        }),
      ),
  );
  return admin;
}
