/**
 * `arco asset checks KEY`: each check defined on an asset, whether it is blocking, and its latest
 * result per partition (or for the asset): PASS, FAIL with its severity, or EXECUTION_FAILED when
 * its compute threw; with the run and time that produced it.
 */
import { Command } from 'commander';
import type { AssetCheckView } from '../../runtime/index.js';
import { runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { printJson, printTable } from '../output.js';

type CheckResult = AssetCheckView['results'][number];

/** PASS, FAIL or EXECUTION_FAILED: what a reader scans the column for. */
export function checkResultLabel(r: CheckResult): string {
  return r.status === 'SUCCEEDED' ? 'PASS' : r.status === 'FAILED' ? 'FAIL' : 'EXECUTION_FAILED';
}

/** The latest result of a check over all its partitions (by ledger sequence), if it ever ran. */
export function latestResult(check: AssetCheckView): CheckResult | undefined {
  return check.results.reduce<CheckResult | undefined>((latest, r) => (latest === undefined || r.sequence > latest.sequence ? r : latest), undefined);
}

function rowsOf(check: AssetCheckView): string[][] {
  const blocking = check.blocking ? 'yes' : 'no';
  if (check.results.length === 0) return [[check.name, blocking, '', 'never run', '', '', '', '']];
  return check.results.map((r) => [
    check.name,
    blocking,
    r.partitionKey ?? '',
    checkResultLabel(r),
    r.severity ?? '',
    r.runId,
    `${r.recordedAt.slice(0, 10)} ${r.recordedAt.slice(11, 19)}`,
    r.error ? `${r.error.code}: ${r.error.message}` : Object.keys(r.metadata).length > 0 ? JSON.stringify(r.metadata) : '',
  ]);
}

export function assetChecksCommand(): Command {
  return withClientOptions(new Command('checks'))
    .description("list an asset's checks with their latest result per partition: PASS, FAIL (with severity) or EXECUTION_FAILED")
    .argument('<key>', 'asset key, e.g. raw/events')
    .addHelpText('after', '\nRun a check alone with `arco run --check KEY#NAME`; selecting an asset runs its checks too.\n\nExamples:\n  arco asset checks orders\n  arco asset checks raw/events --json\n')
    .action((key: string, options: CommonOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const { checks } = await client.invoke('listAssetChecks', { key });
          if (options.json) return printJson(checks);
          if (checks.length === 0) {
            process.stdout.write(`asset "${key}" has no checks\n`);
            return;
          }
          printTable(['check', 'blocking', 'partition', 'result', 'severity', 'run', 'time (UTC)', 'metadata / error'], checks.flatMap(rowsOf));
        }),
      ),
    );
}
