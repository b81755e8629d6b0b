/**
 * Names of asset checks. A check is named `ASSET#NAME` (`orders#row_count`, `raw/events#not_empty`)
 * wherever a caller names one; the task that evaluates it is the asset partition's task key with
 * `#NAME` appended: `orders#row_count`, `orders[2026-01-01]#row_count`. `#` is in neither asset keys
 * nor check names, and a check name never contains `]`, so a task key ends in `#NAME` exactly when
 * it is a check's task.
 */
import { taskKeyOf } from './plan.js';

/** What a check name may hold (as Dagster's check names: a Python identifier's characters). */
export const CHECK_NAME_PATTERN = /^[A-Za-z0-9_]+$/;

export const CHECK_KEY_SEPARATOR = '#';

/** `ASSET#NAME`. */
export function checkKeyOf(assetKey: string, checkName: string): string {
  return `${assetKey}${CHECK_KEY_SEPARATOR}${checkName}`;
}

/** The asset and name of `ASSET#NAME`, or null when the text is not shaped like a check key. */
export function parseCheckKey(text: string): { readonly assetKey: string; readonly checkName: string } | null {
  const at = text.lastIndexOf(CHECK_KEY_SEPARATOR);
  if (at <= 0) return null;
  const assetKey = text.slice(0, at);
  const checkName = text.slice(at + 1);
  if (!CHECK_NAME_PATTERN.test(checkName) || !/^[A-Za-z0-9_]+(\/[A-Za-z0-9_]+)*$/.test(assetKey)) return null;
  return { assetKey, checkName };
}

/** The task key of a check of one asset partition: the asset partition's task key plus `#NAME`. */
export function checkTaskKeyOf(assetKey: string, partitionKey: string | null, checkName: string): string {
  return `${taskKeyOf(assetKey, partitionKey)}${CHECK_KEY_SEPARATOR}${checkName}`;
}
