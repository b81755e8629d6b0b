export { seededRng, type Rng } from './rng.js';
export { createUlidFactory, ulidTime, type UlidFactory } from './ulid.js';
export { canonicalJson, sha256Hex, hashUnit, type Json } from './canonical.js';
export { copyJsonData } from './json-copy.js';
export { freezeJsonData } from './json-freeze.js';
export { RUN_ID_PREFIX, newRunId, type IdSource } from './run-id.js';
