export { buildServer, type ServerOptions } from './server.js';
export type { ApiContext } from './context.js';
export { isLoopbackAddress } from './access.js';
