/** `arco automation evals`: why an asset did or did not run, evaluation by evaluation. */
import { Command } from 'commander';
import { integer, positiveInt, runAction, withClient, withClientOptions, type CommonOptions } from '../common.js';
import { color, printJson } from '../output.js';
import type { AutomationEvaluationView } from '../../runtime/index.js';

/** `eager` → true, 1/1; nodes indented by depth so the tree reads as the condition was written. */
function printEvaluation(evaluation: AutomationEvaluationView): void {
  process.stdout.write(`evaluation ${evaluation.evaluationId}  ${evaluation.evaluatedAt}\n`);
  for (const asset of evaluation.assets) {
    const partitions = asset.requestedPartitionKeys.filter((k) => k !== '');
    const requested = asset.requested
      ? color('green', `requested${partitions.length > 0 ? ` ${partitions.join(', ')}` : ''}${asset.runs.length > 0 ? ` (run ${asset.runs.map((r) => r.runId).join(', ')})` : ''}`)
      : color('gray', 'not requested');
    process.stdout.write(`  ${asset.assetKey}: ${requested}\n`);
    for (const node of asset.nodes) {
      const depth = node.path.split('.').length;
      const truth = node.true ? color('green', 'true ') : color('gray', 'false');
      process.stdout.write(`${'  '.repeat(depth + 1)}${truth} ${node.label}  (${node.trueCount}/${node.candidateCount})\n`);
    }
  }
}

function evalsCommand(): Command {
  return withClientOptions(new Command('evals'))
    .description('automation condition evaluations, newest first: per asset, requested or not, and each node of its condition true or false (true/evaluated partitions)')
    .option('--asset <key>', 'only evaluations of this asset')
    .option('--limit <n>', 'how many evaluations', positiveInt('--limit'), 10)
    .option('--cursor <evaluation>', "continue after this evaluation (the previous page's nextCursor)", integer('--cursor'))
    .action((options: CommonOptions & { asset?: string; limit: number; cursor?: number }) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          const page = await client.invoke('listAutomationEvaluations', { asset: options.asset, cursor: options.cursor, limit: options.limit });
          if (options.json) return printJson(page);
          if (page.evaluations.length === 0) process.stdout.write('no automation condition evaluations yet\n');
          page.evaluations.forEach(printEvaluation);
          if (page.nextCursor !== null) process.stdout.write(color('gray', `more: arco automation evals${options.asset ? ` --asset ${options.asset}` : ''} --cursor ${page.nextCursor}\n`));
        }),
      ),
    );
}

export function automationCommand(): Command {
  return new Command('automation').description('automation conditions: why assets did or did not run').addCommand(evalsCommand());
}
