/**
 * `arco asset report-materialization KEY` (Dagster's report_runless_asset_event: a materialization
 * made outside Arco, recorded without a run) and `arco asset observe KEY` (run an external asset's
 * observe function now and record the data version it returns).
 */
import { Command, InvalidArgumentError } from 'commander';
import type { Json } from '../../domain/ids/index.js';
import { runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { printJson } from '../output.js';

function parseMetadata(value: string): Record<string, Json> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('--metadata must be a JSON object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidArgumentError('--metadata must be a JSON object');
  return parsed as Record<string, Json>;
}

interface ReportOptions extends CommonOptions {
  readonly partition?: string;
  readonly metadata?: Record<string, Json>;
  readonly dataVersion?: string;
}

export function assetReportMaterializationCommand(): Command {
  return withClientOptions(new Command('report-materialization'))
    .description('record a materialization of an asset (partition) made outside Arco, without a run; it counts for partition status and staleness')
    .argument('<key>', 'asset key, e.g. raw/orders')
    .option('--partition <key>', 'the partition materialized (required for a partitioned asset)')
    .option('--metadata <json>', 'metadata as a JSON object', parseMetadata)
    .option('--data-version <version>', 'the data version (default: every report is a new version)')
    .addHelpText('after', '\nExamples:\n  arco asset report-materialization raw/orders --partition 2024-01-02 --metadata \'{"rows": 120}\'\n')
    .action((key: string, options: ReportOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const reported = await client.invoke('reportMaterialization', {
            key,
            partition: options.partition ?? null,
            dataVersion: options.dataVersion ?? null,
            metadata: options.metadata ?? {},
          });
          if (options.json) return printJson(reported);
          const where = reported.partitionKey === null ? reported.assetKey : `${reported.assetKey} [${reported.partitionKey}]`;
          process.stdout.write(`reported materialization of ${where}: data version ${reported.dataVersion} (${reported.reportId})\n`);
        }),
      ),
    );
}

export function assetObserveCommand(): Command {
  return withClientOptions(new Command('observe'))
    .description("run an external asset's observe function now and record the data version it returns")
    .argument('<key>', 'external asset key, e.g. raw/orders')
    .option('--partition <key>', 'the partition to observe (required for a partitioned asset)')
    .action((key: string, options: CommonOptions & { partition?: string }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const { observation } = await client.invoke('observeAsset', { key, partition: options.partition ?? null });
          if (options.json) return printJson(observation);
          if (observation === null) return void process.stdout.write(`${key}: this observation was already recorded\n`);
          const where = observation.partitionKey === null ? observation.assetKey : `${observation.assetKey} [${observation.partitionKey}]`;
          process.stdout.write(`observed ${where}: data version ${observation.dataVersion}\n`);
        }),
      ),
    );
}
