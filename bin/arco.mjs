#!/usr/bin/env node
// The `arco` command. TypeScript sources run through tsx, so no build step is needed after
// `npm ci`; the same loader lets definitions files in any folder `import ... from 'arco-flow'`.
import '../src/runtime/loader/register.mjs';

await import('../src/cli/main.ts');
