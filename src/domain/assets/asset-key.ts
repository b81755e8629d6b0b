/**
 * Asset keys, as Dagster's: `/`-separated segments of `[A-Za-z0-9_]+`, printed `namespace/name`
 * or `name`. The printed form is the identity everywhere (events, API, CLI).
 */
import { arcoError } from '../errors/index.js';

const SEGMENT = /^[A-Za-z0-9_]+$/;

export function isAssetKey(value: string): boolean {
  return value.length > 0 && value.split('/').every((segment) => SEGMENT.test(segment));
}

/** @throws INVALID_ASSET_KEY naming the key and the rule it breaks. */
export function parseAssetKey(value: string): string {
  if (!isAssetKey(value)) {
    throw arcoError(
      'INVALID_ASSET_KEY',
      `invalid asset key "${value}": use "/"-separated segments of letters, digits and "_" (e.g. "raw/events")`,
      { key: value },
    );
  }
  return value;
}
