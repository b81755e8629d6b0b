/** `arco completion bash`: the script completes commands, subcommands and options in a real bash. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ARCO_BIN } from '../helpers/cli.js';

function complete(words: readonly string[]): string[] {
  const script = `source <("${process.execPath}" "${ARCO_BIN}" completion bash); COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _arco; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter(Boolean);
}

describe('arco completion', () => {
  test('bash completes a command, a subcommand and an option from the command tree', () => {
    assert.deepEqual(complete(['arco', 'backf']), ['backfill']);
    assert.deepEqual(complete(['arco', 'backfill', 'c']), ['create', 'cancel']);
    assert.deepEqual(complete(['arco', 'backfill', 'create', '--pol']), ['--policy']);
    assert.deepEqual(complete(['arco', 'runs', '--st']), ['--status']);
  });
});
