// Registers TypeScript loading (tsx) and the 'arco-flow' resolver. Imported first by bin/arco.mjs
// and by worker processes (`--import`), so definitions files in any folder load.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./arco-flow-hooks.mjs', import.meta.url);
