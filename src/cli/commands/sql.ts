/** `arco sql`: read-only SQL over the documented system_* views (docs/sql.md). */
import { Command } from 'commander';
import { positiveInt, runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { color, printJson, printTable } from '../output.js';

export function sqlCommand(): Command {
  return withClientOptions(new Command('sql'))
    .description('run one read-only query over the system_* views, sandboxed: only the views are readable, 5 s and 16 MiB at most (docs/sql.md)')
    .argument('<query>', 'e.g. "SELECT status, COUNT(*) FROM system_runs GROUP BY status"')
    .option('--limit <n>', 'at most this many rows', positiveInt('--limit'), 1000)
    .addHelpText('after', '\nViews: system_runs, system_tasks, system_attempts, system_run_key_conflicts, system_materializations,\n       system_asset_partitions, system_logs, system_events (columns in docs/sql.md)\n')
    .action((query: string, options: CommonOptions & { limit: number }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const result = await client.invoke('querySql', { q: query, limit: options.limit });
          if (options.json) return printJson(result);
          printTable(result.columns, result.rows.map((row) => row.map((v) => (v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : String(v)))));
          if (result.truncated) process.stdout.write(color('gray', `(first ${options.limit} rows)\n`));
        }),
      ),
    );
}
