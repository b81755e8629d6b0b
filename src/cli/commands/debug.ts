/**
 * `arco debug export RUN_ID FILE` and `arco debug import FILE` (Dagster's `dagster debug export`
 * and `import`): a run's events to a file, and a file's events into another store, to look at a run
 * somewhere else than where it ran. The file is NDJSON: a header line, then the run's events as the
 * ledger stores them (`GET /api/v1/events?runId=`), oldest first.
 *
 * An import appends the events as they were, with their ids, times and idempotency keys, in one
 * append: the store folds them as it folds its own, so the run, its tasks, logs and
 * materializations appear as they were; importing the same file again appends nothing. A file with
 * any event that does not parse (or another format) is refused whole and changes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { z } from 'zod';
import { arcoError, isArcoError } from '../../domain/errors/index.js';
import { parseStoredEvent, type ArcoEvent, type StoredEvent } from '../../events/index.js';
import { runAction, withClient, withClientOptions, withProjectOptions, type CommonOptions } from '../common.js';
import { printJson } from '../output.js';

const FORMAT = 'arco-run-export';
const FORMAT_VERSION = 1;
/** Events per read of the ledger while exporting (the API's page limit). */
const PAGE = 1000;

const headerSchema = z.strictObject({ format: z.literal(FORMAT), version: z.literal(FORMAT_VERSION), runId: z.string().min(1), events: z.number().int().min(0), exportedAt: z.string() });
const lineSchema = z.object({
  sequence: z.number().int(),
  eventId: z.string(),
  type: z.string(),
  version: z.number().int(),
  at: z.string(),
  workspace: z.string(),
  idempotencyKey: z.string(),
  correlationId: z.string().nullable(),
  causationId: z.string().nullable(),
  actor: z.string().nullable().optional(),
  payload: z.unknown(),
});

function exportCommand(): Command {
  return withClientOptions(new Command('export'))
    .description("write a run's events to a file (NDJSON) that arco debug import reads into another store")
    .argument('<runId>', 'the run to export')
    .argument('<file>', 'where to write it')
    .addHelpText('after', '\nExamples:\n  arco debug export run_01J… run.ndjson\n  arco debug export run_01J… run.ndjson --url http://daemon:3000\n')
    .action((runId: string, file: string, options: CommonOptions) =>
      runAction(options, () =>
        withClient(options, async (client) => {
          // Refuses an unknown run before writing a file.
          await client.invoke('getRun', { runId });
          const events: unknown[] = [];
          for (let after = 0; ; ) {
            const page = await client.invoke('listEvents', { after, limit: PAGE, runId });
            events.push(...page.events);
            if (page.events.length < PAGE) break;
            after = page.nextAfter;
          }
          const header = { format: FORMAT, version: FORMAT_VERSION, runId, events: events.length, exportedAt: new Date().toISOString() };
          writeFileSync(file, [header, ...events].map((line) => JSON.stringify(line)).join('\n') + '\n');
          if (options.json) return printJson({ runId, file, events: events.length });
          process.stdout.write(`wrote ${events.length} events of run ${runId} to ${file}\n`);
        }),
      ),
    );
}

/** The file's events, each parsed as the ledger parses its own. @throws VALIDATION_ERROR or CORRUPT_EVENT naming the line. */
function readExport(file: string): { runId: string; events: ArcoEvent[] } {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const json = (text: string, line: number): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw arcoError('VALIDATION_ERROR', `${file}:${line} is not JSON`, { field: 'file', line });
    }
  };
  const header = headerSchema.safeParse(json(lines[0] ?? '', 1));
  if (!header.success) throw arcoError('VALIDATION_ERROR', `${file} is not a run export of arco debug export (format ${FORMAT} version ${FORMAT_VERSION})`, { field: 'file', line: 1 });
  if (lines.length - 1 !== header.data.events) throw arcoError('VALIDATION_ERROR', `${file} holds ${lines.length - 1} events, its header says ${header.data.events}: the file is incomplete`, { field: 'file' });
  const events = lines.slice(1).map((text, index) => {
    const line = index + 2;
    const row = lineSchema.safeParse(json(text, line));
    if (!row.success) throw arcoError('VALIDATION_ERROR', `${file}:${line} is not a ledger event`, { field: 'file', line });
    let stored: StoredEvent;
    try {
      stored = parseStoredEvent({ ...row.data, actor: row.data.actor ?? null, payload: JSON.stringify(row.data.payload) });
    } catch (error) {
      if (isArcoError(error)) throw arcoError(error.code, `${file}:${line}: ${error.message}`, { ...error.details, line });
      throw error;
    }
    const { sequence: _sequence, ...event } = stored;
    return event as ArcoEvent;
  });
  return { runId: header.data.runId, events };
}

function importCommand(): Command {
  return withProjectOptions(new Command('import'))
    .description('append the events of a file from arco debug export to this store (importing it again appends nothing)')
    .argument('<file>', 'a file written by arco debug export')
    .option('--json', 'print JSON for scripts')
    .option('--url <url>', 'refused: an import appends to the store itself, never through a running instance')
    .addHelpText('after', '\nExamples:\n  arco debug import run.ndjson --project ./my-project\n  arco debug import run.ndjson --db postgres://arco@db/arco\n')
    .action((file: string, options: CommonOptions) =>
      runAction(options, async () => {
        if (options.url) throw arcoError('VALIDATION_ERROR', 'debug import appends to the store itself and cannot go through a running instance: run it with --project or --db', { field: 'url' });
        const { runId, events } = readExport(file);
        const [{ openStore }, { resolveProject }] = await Promise.all([import('../../store/index.js'), import('../project.js')]);
        const store = await openStore(resolveProject(options).storePath);
        try {
          const result = await store.ledger.append(events);
          const outcome = { runId, appended: result.appended.length, duplicates: result.duplicates.length };
          if (options.json) return printJson(outcome);
          process.stdout.write(result.appended.length > 0 ? `imported run ${runId}: ${result.appended.length} events appended${result.duplicates.length > 0 ? `, ${result.duplicates.length} already here` : ''}\n` : `run ${runId} is already here: nothing appended\n`);
        } finally {
          await store.close();
        }
      }),
    );
}

export function debugCommand(): Command {
  return new Command('debug').description("move a run's events between instances, to look at it elsewhere").addCommand(exportCommand()).addCommand(importCommand());
}
