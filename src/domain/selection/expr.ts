/**
 * The parsed form of an asset selection. It is plain JSON (no classes, no `undefined` members), so
 * it can be stored in an event, sent over HTTP and resolved later against another graph.
 *
 * Two kinds of key leaves exist because Dagster has two: `key` comes from the current syntax
 * (`key:raw/*`), matches by pattern and selects nothing when nothing matches; `keys` comes from the
 * older syntax and from callers passing a list of keys, names exact keys, and is an error
 * (`UNKNOWN_ASSET`) when a key does not exist.
 */

/** How many dependency levels a traversal walks: a count (0 = only the operand) or `"all"`. */
export type TraversalDepth = number | 'all';

export type AssetSelectionExpr =
  | AllExpr
  | KeyPatternExpr
  | KeysExpr
  | TagExpr
  | OwnerExpr
  | GroupExpr
  | KindExpr
  | NotExpr
  | AndExpr
  | OrExpr
  | TraverseExpr
  | RootsExpr
  | SinksExpr;

/** Every asset (`*`). */
export interface AllExpr {
  readonly type: 'all';
}

/** Assets whose printed key matches `pattern`; `*` matches any run of characters, `/` included. */
export interface KeyPatternExpr {
  readonly type: 'key';
  readonly pattern: string;
}

/** Exactly these keys; resolving throws UNKNOWN_ASSET for a key the graph does not have. */
export interface KeysExpr {
  readonly type: 'keys';
  readonly keys: readonly string[];
}

/**
 * Assets carrying tag `key`: with `value` null any value matches, otherwise only that value.
 * `key` null (`tag:<null>`) selects assets that have no tags at all.
 */
export interface TagExpr {
  readonly type: 'tag';
  readonly key: string | null;
  readonly value: string | null;
}

/** Assets owned by `owner`; null (`owner:<null>`) selects assets without owners. */
export interface OwnerExpr {
  readonly type: 'owner';
  readonly owner: string | null;
}

/** Assets in group `group`; null (`group:<null>`) selects assets without a group. */
export interface GroupExpr {
  readonly type: 'group';
  readonly group: string | null;
}

/** Assets of kind `kind`; null (`kind:<null>`) selects assets without kinds. */
export interface KindExpr {
  readonly type: 'kind';
  readonly kind: string | null;
}

/** Every asset not selected by `operand`. */
export interface NotExpr {
  readonly type: 'not';
  readonly operand: AssetSelectionExpr;
}

export interface AndExpr {
  readonly type: 'and';
  readonly operands: readonly AssetSelectionExpr[];
}

export interface OrExpr {
  readonly type: 'or';
  readonly operands: readonly AssetSelectionExpr[];
}

/**
 * The operand's assets plus their ancestors up to `upstream` levels and their descendants down to
 * `downstream` levels (`+key:x+` is both at once, as Dagster's union of the two).
 */
export interface TraverseExpr {
  readonly type: 'traverse';
  readonly operand: AssetSelectionExpr;
  readonly upstream: TraversalDepth;
  readonly downstream: TraversalDepth;
}

/** Selected assets none of whose ancestors (at any distance) is selected. */
export interface RootsExpr {
  readonly type: 'roots';
  readonly operand: AssetSelectionExpr;
}

/** Selected assets none of whose descendants (at any distance) is selected. */
export interface SinksExpr {
  readonly type: 'sinks';
  readonly operand: AssetSelectionExpr;
}

/**
 * The selection of exactly `keys`, for API callers that pass a list of keys. Duplicates are dropped
 * and the keys sorted, so two lists with the same keys give equal expressions.
 */
export function keysSelection(keys: readonly string[]): KeysExpr {
  return { type: 'keys', keys: [...new Set(keys)].sort() };
}
