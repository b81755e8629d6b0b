export * from './status.js';
export * from './retry-policy.js';
export * from './plan.js';
export * from './fingerprint.js';
export * from './multi-asset-tasks.js';
export * from './check-keys.js';
export * from './check-plan.js';
export * from './run-policy-tags.js';
