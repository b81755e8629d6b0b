/** The instance logger's two formats: one readable line per entry, or one JSON object per line. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, prettyLine } from '../../../src/runtime/observability/index.js';

function capture(): { lines: string[]; write(chunk: string): void } {
  const lines: string[] = [];
  return { lines, write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) };
}

describe('instance logger', () => {
  test('the pretty format writes one readable line: time, level, message', () => {
    const out = capture();
    createLogger({ destination: out }).info({ runId: 'run_1' }, 'run run_1 STARTED (1 task) by manual');
    assert.equal(out.lines.length, 1);
    assert.match(out.lines[0] ?? '', /^\d\d:\d\d:\d\d INFO  run run_1 STARTED \(1 task\) by manual$/);
  });

  test('the json format writes one object per line with the level name, the message and the fields', () => {
    const out = capture();
    const logger = createLogger({ format: 'json', destination: out });
    logger.warn({ runId: 'run_1' }, 'run run_1 cancel requested');
    logger.error(new Error('disk full'), 'append failed');
    const [first, second] = out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual([first?.level, first?.msg, first?.runId], ['warn', 'run run_1 cancel requested', 'run_1']);
    assert.ok(!Number.isNaN(Date.parse(String(first?.time))), 'time is an ISO-8601 instant');
    assert.deepEqual([second?.level, (second?.err as { message?: string })?.message], ['error', 'disk full']);
  });

  test('entries below the chosen level are not written', () => {
    const out = capture();
    const logger = createLogger({ level: 'warn', destination: out });
    logger.info('not shown');
    logger.debug('not shown either');
    logger.warn('shown');
    assert.deepEqual(out.lines.map((l) => l.slice(9)), ['WARN  shown']);
  });

  test('an error entry in the pretty format shows the error message and its stack below the line', () => {
    const line = prettyLine(JSON.stringify({ level: 'error', time: '2026-01-01T00:00:00.000Z', msg: 'request failed', err: { message: 'boom', stack: 'Error: boom\n    at here' } }), false);
    assert.match(line, /^\d\d:\d\d:\d\d ERROR request failed: boom\n {4}Error: boom\n {8}at here\n$/);
  });
});
