/**
 * The worker processes as seen from outside the runtime: a command starts them early (fork.ts)
 * without importing the pool or the rest of the runtime. The daemon uses worker-pool.ts itself.
 */
export { startWorkersEarly, stopEarlyWorkers } from './fork.js';
