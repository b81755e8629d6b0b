import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExceptions } from '../../src/parity/index.js';

const COMPLETE = '## EX-01: Prefix\n\n**Decision:** use arco/.\n\n**Type:** naming\n\n**Revisit trigger:** a user asks.\n';

test('reads each exception id with its decision, type and revisit trigger', () => {
  const { entries, problems } = parseExceptions(`# Exceptions\n\n${COMPLETE}\n## EX-02 — Scope\n\n**Decision:** no ops.\n**Type:** scope\n**Revisit trigger:** demand.\n`);
  assert.deepEqual(problems, []);
  assert.deepEqual(entries.map((entry) => [entry.id, entry.title, entry.fields.Type]), [
    ['EX-01', 'Prefix', 'naming'],
    ['EX-02', 'Scope', 'scope'],
  ]);
});

test('reports an exception that does not state its revisit trigger', () => {
  const { problems } = parseExceptions('## EX-03: Backoff\n\n**Decision:** back off.\n\n**Type:** behaviour\n');
  assert.deepEqual(problems.map((problem) => [problem.rule, problem.line, problem.message]), [
    ['exception-incomplete', 1, 'EX-03 does not state **Revisit trigger:**'],
  ]);
});

test('reports an exception id defined twice', () => {
  const { problems } = parseExceptions(`${COMPLETE}\n${COMPLETE}`);
  assert.deepEqual(problems.map((problem) => problem.rule), ['exception-duplicate']);
});
