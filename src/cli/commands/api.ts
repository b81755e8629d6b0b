/**
 * `arco api list|call`: every operation of the catalogue from the command line, in-process against
 * the project's store or over HTTP with --url. For scripts, and for operations no friendlier
 * command covers yet; the answer is the operation's JSON output.
 */
import { Command } from 'commander';
import { arcoError } from '../../domain/errors/index.js';
import type { OperationName } from '../../operations/index.js';
import { runAction, withClient, withClientOptions, withProjectOptions, type CommonOptions } from '../common.js';
import { printJson, printTable } from '../output.js';

async function operationNamed(name: string): Promise<OperationName> {
  const { CATALOGUE } = await import('../../operations/index.js');
  if (!Object.hasOwn(CATALOGUE, name)) {
    throw arcoError('VALIDATION_ERROR', `no operation "${name}"; "arco api list" shows them all`, { field: 'operation', operations: Object.keys(CATALOGUE) });
  }
  return name as OperationName;
}

function parseInput(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw arcoError('VALIDATION_ERROR', '--input must be a JSON object', { field: 'input' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw arcoError('VALIDATION_ERROR', '--input must be a JSON object', { field: 'input' });
  return value as Record<string, unknown>;
}

export function apiCommand(): Command {
  const api = new Command('api').description('list the operations of the API, or call one by name (in-process, or over HTTP with --url)');
  api.addCommand(
    withProjectOptions(new Command('list'))
      .description('every operation: name, HTTP method and path, role, summary')
      .option('--json', 'print JSON for scripts')
      .action(async (options: { json?: boolean }) => {
        const { OPERATIONS } = await import('../../operations/index.js');
        const rows = OPERATIONS.map((op) => ({ name: op.name, method: op.method, path: op.path, role: op.role, idempotent: op.idempotent, summary: op.summary }));
        if (options.json) return printJson({ operations: rows });
        printTable(['operation', 'method', 'path', 'role'], rows.map((r) => [r.name, r.method, r.path, r.role]));
      }),
  );
  api.addCommand(
    withClientOptions(new Command('call'))
      .description("call an operation with its input as one JSON object (path, query and body fields together); prints its output as JSON")
      .argument('<operation>', 'operation name, e.g. listRunTasks')
      .option('--input <json>', 'the input object', '{}')
      .addHelpText('after', '\nExamples:\n  arco api call listRunTasks --input \'{"runId":"run_01J..."}\'\n  arco api call querySql --input \'{"q":"SELECT COUNT(*) FROM system_runs"}\' --url http://127.0.0.1:3000\n')
      .action((name: string, options: CommonOptions & { input: string }) =>
        runAction({ json: true }, async () => {
          const op = await operationNamed(name);
          const input = parseInput(options.input);
          // The input is checked by the operation's own schemas, in-process or by the server.
          await withClient(options, async (client) => printJson(await client.invoke(op, input as never)));
        }),
      ),
  );
  return api;
}
