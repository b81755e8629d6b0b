export * from './status.js';
export * from './retry-policy.js';
export * from './plan.js';
export * from './fingerprint.js';
