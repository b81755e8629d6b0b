/**
 * `arco parity`: keeps docs/parity/dagster-parity-matrix.md honest.
 *
 *   arco parity check  [--report FILE]... [--json]   problems, one per line: matrix:<line>: <column>: <problem>
 *   arco parity audit  [--downgrade] [--report FILE]... unproven Implemented rows (rewritten to Partial with --downgrade)
 *   arco parity diff   REV [REV2] [--json]            rows added, removed and changed between revisions
 *   arco parity export --csv                          regenerates the CSV from the markdown
 *
 * Every subcommand takes `--root DIR`; by default the root is the nearest directory above the working
 * directory whose package.json is `arco-flow`. Exit codes: 0 ok, 1 problems found, 2 usage error
 * (bad flags, a missing file, an unknown revision).
 */
import { resolve } from 'node:path';
import { Command, type CommanderError } from 'commander';
import { isArcoError } from '../../domain/errors/index.js';
import {
  STATUSES,
  auditRepository,
  checkRepository,
  diffRepository,
  exportCsv,
  findRepositoryRoot,
  formatDiff,
  formatDowngrade,
  formatProblem,
  type MatrixRow,
} from '../../parity/index.js';

/** Where the command writes and how it ends; injected by tests, the process by default. */
export interface ParityCliIo {
  readonly cwd: () => string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Records the exit code of a finished subcommand. */
  readonly setExitCode: (code: number) => void;
  /** Ends at once after a usage error or help output; must not return. */
  readonly exit: (code: number) => never;
}

const EXIT_OK = 0;
const EXIT_PROBLEMS = 1;
const EXIT_USAGE = 2;

const processIo: ParityCliIo = {
  cwd: () => process.cwd(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  exit: (code) => process.exit(code),
};

interface CommonOptions {
  root?: string;
  report?: string[];
  json?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function statusSummary(rows: readonly MatrixRow[]): string {
  return STATUSES.map((status) => `${status} ${rows.filter((row) => row.cells.Status === status).length}`).join(' · ');
}

/** Runs a subcommand body, turning a typed error into its message and exit code 2. */
function runAction(io: ParityCliIo, json: boolean | undefined, body: () => number): void {
  try {
    io.setExitCode(body());
  } catch (error) {
    if (!isArcoError(error)) throw error;
    if (json) io.out(`${JSON.stringify({ error: error.toJSON() }, null, 2)}\n`);
    else io.err(`arco parity: ${error.code}: ${error.message}\n`);
    io.setExitCode(EXIT_USAGE);
  }
}

function paths(io: ParityCliIo, options: CommonOptions): { root: string; reports: string[] } {
  const root = options.root ? resolve(io.cwd(), options.root) : findRepositoryRoot(io.cwd());
  return { root, reports: (options.report ?? []).map((file) => resolve(io.cwd(), file)) };
}

function addCheck(parity: Command, io: ParityCliIo): void {
  parity
    .command('check')
    .description('check the parity matrix: statuses, owners, evidence, proof and the CSV')
    .option('--report <file>', 'JUnit test report (repeatable; default reports/junit.xml)', collect, [])
    .option('--json', 'print the problems as JSON')
    .option('--root <dir>', 'repository root (default: found from the working directory)')
    .action((options: CommonOptions) =>
      runAction(io, options.json, () => {
        const { root, reports } = paths(io, options);
        const outcome = checkRepository(root, reports);
        if (options.json) {
          const { problems, notes, matrix } = outcome;
          io.out(`${JSON.stringify({ ok: problems.length === 0, rows: matrix.rows.length, problems, notes }, null, 2)}\n`);
        } else {
          for (const note of outcome.notes) io.err(`note: ${note}\n`);
          for (const problem of outcome.problems) io.out(`${formatProblem(problem)}\n`);
          const count = outcome.problems.length;
          io.err(`parity check: ${outcome.matrix.rows.length} rows, ${count === 0 ? 'no problems' : `${count} problem${count === 1 ? '' : 's'}`} (${statusSummary(outcome.matrix.rows)})\n`);
        }
        return outcome.problems.length === 0 ? EXIT_OK : EXIT_PROBLEMS;
      }),
    );
}

function addAudit(parity: Command, io: ParityCliIo): void {
  parity
    .command('audit')
    .description('find Implemented rows whose proof fails; --downgrade rewrites them to Partial')
    .option('--downgrade', 'rewrite the unproven rows to Partial (markdown and CSV)')
    .option('--report <file>', 'JUnit test report (repeatable; default reports/junit.xml)', collect, [])
    .option('--root <dir>', 'repository root (default: found from the working directory)')
    .action((options: CommonOptions & { downgrade?: boolean }) =>
      runAction(io, false, () => {
        const { root, reports } = paths(io, options);
        const { downgrades, notes } = auditRepository(root, reports, options.downgrade === true);
        for (const note of notes) io.err(`note: ${note}\n`);
        for (const downgrade of downgrades) io.out(`${formatDowngrade(downgrade)}\n`);
        const verb = options.downgrade ? 'downgraded' : 'would downgrade (run with --downgrade to rewrite)';
        io.err(`parity audit: ${downgrades.length === 0 ? 'every Implemented row is proven' : `${verb} ${downgrades.length} row${downgrades.length === 1 ? '' : 's'}`}\n`);
        return downgrades.length > 0 && !options.downgrade ? EXIT_PROBLEMS : EXIT_OK;
      }),
    );
}

function addDiff(parity: Command, io: ParityCliIo): void {
  parity
    .command('diff')
    .description('rows added, removed and changed between two git revisions (REV2 defaults to the working tree)')
    .argument('<rev>', 'the older revision')
    .argument('[rev2]', 'the newer revision (default: the working tree)')
    .option('--json', 'print the diff as JSON')
    .option('--root <dir>', 'repository root (default: found from the working directory)')
    .action((from: string, to: string | undefined, options: CommonOptions) =>
      runAction(io, options.json, () => {
        const { root } = paths(io, options);
        const diff = diffRepository(root, from, to);
        io.out(options.json ? `${JSON.stringify(diff, null, 2)}\n` : formatDiff(diff));
        return EXIT_OK;
      }),
    );
}

function addExport(parity: Command, io: ParityCliIo): void {
  parity
    .command('export')
    .description('regenerate docs/parity/dagster-parity-matrix.csv from the markdown')
    .option('--csv', 'write the CSV (the only export format)')
    .option('--root <dir>', 'repository root (default: found from the working directory)')
    .action((options: CommonOptions & { csv?: boolean }) => {
      if (!options.csv) {
        io.err('arco parity export: choose a format: --csv\n');
        io.setExitCode(EXIT_USAGE);
        return;
      }
      runAction(io, false, () => {
        const { root } = paths(io, options);
        const written = exportCsv(root);
        io.out(`wrote ${written.path} (${written.rows} rows)\n`);
        return EXIT_OK;
      });
    });
}

/**
 * The `parity` command with its subcommands. The caller adds it to the `arco` program with
 * `program.addCommand(parityCommand())`. Usage errors exit with code 2 through `io.exit`.
 */
export function parityCommand(io: ParityCliIo = processIo): Command {
  const parity = new Command('parity')
    .description('check, audit, diff and export the Dagster parity matrix')
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .exitOverride((error: CommanderError) => io.exit(error.exitCode === 0 ? EXIT_OK : EXIT_USAGE));
  // Subcommands created through `.command()` inherit the output and exit settings above.
  addCheck(parity, io);
  addAudit(parity, io);
  addDiff(parity, io);
  addExport(parity, io);
  return parity;
}
