/**
 * The fingerprint of a run request (SEMANTICS §2): sha256 of the canonical JSON of what defines
 * the run. Reserved `arco/` tags are excluded (the system sets them), and the order of keys or
 * selected assets in the request never changes it.
 */
import { canonicalJson, sha256Hex, type Json } from '../ids/index.js';

export interface FingerprintInput {
  readonly assetKeys: readonly string[];
  readonly includeUpstream: boolean;
  readonly includeDownstream: boolean;
  /** Canonical partition selection, or null for an unpartitioned run. */
  readonly partition: Json;
  readonly config: Json;
  readonly tags: Readonly<Record<string, string>>;
  /** Asset checks selected alone (`ASSET#NAME`); absent or empty for a run of assets only. */
  readonly checkKeys?: readonly string[];
}

export function fingerprintParts(input: FingerprintInput): Record<string, Json> {
  const userTags: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.tags)) if (!k.startsWith('arco/')) userTags[k] = v;
  return {
    assetKeys: [...new Set(input.assetKeys)].sort(),
    closure: { includeUpstream: input.includeUpstream, includeDownstream: input.includeDownstream },
    partition: input.partition,
    config: input.config,
    tags: userTags,
    // Only when there are any, so the fingerprints of runs without checks stay what they were.
    ...(input.checkKeys && input.checkKeys.length > 0 ? { checks: [...new Set(input.checkKeys)].sort() } : {}),
  };
}

export function runFingerprint(input: FingerprintInput): string {
  return sha256Hex(canonicalJson(fingerprintParts(input)));
}

/** Which top-level parts of two fingerprint inputs differ (for RUN_KEY_CONFLICT details). */
export function differingFingerprintFields(a: FingerprintInput, b: FingerprintInput): string[] {
  const pa = fingerprintParts(a);
  const pb = fingerprintParts(b);
  return Object.keys(pa)
    .filter((k) => canonicalJson(pa[k]) !== canonicalJson(pb[k]))
    .sort();
}
