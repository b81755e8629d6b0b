/**
 * What definitions files import: `import { defineAsset, defineDefinitions } from 'arco-flow'`.
 * This is the package's public entry point.
 */
export { defineAsset } from './define-asset.js';
export { defineDefinitions, isDefinitions, isAssetDefinition, type DefinitionsOptions } from './define-definitions.js';
export type {
  AssetContext,
  AssetDefinition,
  AssetLogger,
  AssetOptions,
  AssetRef,
  ComputeFn,
  Definitions,
  LogLevel,
  MaterializeResult,
  RetryOptions,
} from './types.js';
export { ArcoError, isArcoError } from '../domain/errors/index.js';
