/**
 * `arco token create|list|revoke`: API tokens. They work on the project's store itself (--project,
 * --db), so the first admin token needs no server and a running `arco dev` sees it at its next
 * request; with --url (and an admin --token) they go through that instance instead.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { runAction, withClientOptions, type Client, type CommonOptions } from '../common.js';
import { color, printJson, printTable } from '../output.js';

const ROLE_NAMES = ['viewer', 'operator', 'admin', 'worker'] as const;

/** The store itself unless --url names an instance; never the default-URL probe of other commands. */
async function withTokenClient<T>(options: CommonOptions, body: (client: Client) => Promise<T>): Promise<T> {
  const [{ HttpClient, LocalClient, tokenOf }, { resolveProject }] = await Promise.all([import('../client.js'), import('../project.js')]);
  const client: Client = options.url ? new HttpClient(options.url, tokenOf(options)) : new LocalClient(resolveProject(options));
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

function createCommand(): Command {
  return withClientOptions(new Command('create'))
    .description('create an API token; it is printed once and only its hash is stored')
    .addOption(new Option('--role <role>', 'viewer (reads, sql), operator (runs, backfills, schedules, sensors), admin (tokens) or worker (arco worker: the worker protocol only)').choices(ROLE_NAMES).makeOptionMandatory())
    .option('--name <name>', 'a name to list, revoke and recognise it by in run tags (default: <role>-<id>)')
    .addHelpText('after', '\nExample:\n  arco token create --role admin --name alice\n  export ARCO_TOKEN=<the printed token>\n')
    .action((options: CommonOptions & { role: (typeof ROLE_NAMES)[number]; name?: string }) =>
      runAction(options, () =>
        withTokenClient(options, async (client) => {
          const created = await client.invoke('createToken', { role: options.role, ...(options.name === undefined ? {} : { name: options.name }) });
          if (options.json) return printJson(created);
          process.stdout.write(
            [
              `created ${created.role} token "${created.name}" (id ${created.id})`,
              '',
              `  ${created.token}`,
              '',
              color('yellow', 'Copy it now: it is not shown again. Send it as "Authorization: Bearer <token>", or set ARCO_TOKEN for the CLI.'),
              'From now on this instance refuses requests without a valid token.',
              '',
            ].join('\n'),
          );
        }),
      ),
    );
}

function listCommand(): Command {
  return withClientOptions(new Command('list'))
    .description('list API tokens, valid and revoked (never their secrets)')
    .action((options: CommonOptions) =>
      runAction(options, () =>
        withTokenClient(options, async (client) => {
          const { tokens } = await client.invoke('listTokens', {});
          if (options.json) return printJson({ tokens });
          if (tokens.length === 0) {
            process.stdout.write('no API tokens: the API accepts requests on loopback without one (arco token create --role admin)\n');
            return;
          }
          printTable(['id', 'name', 'role', 'created', 'by', 'revoked', 'by'], tokens.map((t) => [t.id, t.name, t.role, t.createdAt, t.createdBy ?? '', t.revokedAt ?? '', t.revokedBy ?? '']));
        }),
      ),
    );
}

function revokeCommand(): Command {
  return withClientOptions(new Command('revoke'))
    .description('revoke an API token by id or name; requests carrying it are refused from then on')
    .argument('<token>', 'token id, or the name of a valid token', (value: string) => {
      if (value.trim() === '') throw new InvalidArgumentError('give a token id or name');
      return value;
    })
    .action((token: string, options: CommonOptions) =>
      runAction(options, () =>
        withTokenClient(options, async (client) => {
          const revoked = await client.invoke('revokeToken', { token });
          if (options.json) return printJson(revoked);
          process.stdout.write(`revoked ${revoked.role} token "${revoked.name}" (id ${revoked.id}) at ${revoked.revokedAt}\n`);
        }),
      ),
    );
}

export function tokenCommand(): Command {
  const token = new Command('token').description('API tokens and their roles (docs/security.md)');
  for (const command of [createCommand(), listCommand(), revokeCommand()]) token.addCommand(command);
  return token;
}
