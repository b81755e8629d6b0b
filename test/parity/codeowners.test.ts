import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCodeownersTeams } from '../../src/parity/index.js';

test('reads the @org/team handles of CODEOWNERS, not people, emails or comments', () => {
  const text = [
    '# owners',
    '*            @arco/core',
    '/src/a/      @arco/automation @solo-user someone@example.com  # @arco/commented',
    '/src/b/      @arco/core',
    '',
  ].join('\n');
  assert.deepEqual([...parseCodeownersTeams(text)].sort(), ['@arco/automation', '@arco/core']);
});
