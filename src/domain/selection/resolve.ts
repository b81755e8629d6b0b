/**
 * Resolving a selection against an `AssetSelectionIndex`: every node of the expression becomes a
 * set of asset ids, and the result is read out in key order. Every leaf is evaluated (no
 * short-circuit), so an unknown key is reported wherever it stands, as Dagster does.
 *
 * External assets, as Dagster's source assets: every selection that does not name an asset
 * exactly (`*`, key patterns with `*`, `group:`, `tag:`, `owner:`, `kind:`, `not`, and the assets a
 * traversal adds) leaves them out; an exact key (`key:raw/orders`, a legacy bare name, a list of
 * keys) selects one. `includeExternal` keeps them everywhere.
 */
import { unknownAssetError } from '../suggestions/index.js';
import { AssetSet } from './asset-set.js';
import type { AssetSelectionExpr } from './expr.js';
import { parseAssetSelection } from './parse.js';
import type { AssetSelectionIndex } from './selection-index.js';
import { rootsOf, sinksOf, traverse } from './traverse.js';

/**
 * The keys `selection` selects in `index`, sorted by key (code-unit order), possibly empty. A text
 * is parsed first with `parseAssetSelection`.
 * @throws SELECTION_SYNTAX_ERROR for a text that parses in neither syntax; UNKNOWN_ASSET
 *   (details `{ key }`) for a legacy bare name or a `keysSelection` key the graph does not have.
 */
export function resolveAssetSelection(selection: AssetSelectionExpr | string, index: AssetSelectionIndex, options: SelectionOptions = {}): string[] {
  const expr = typeof selection === 'string' ? parseAssetSelection(selection) : selection;
  const hidden = options.includeExternal === true ? AssetSet.empty(index.size) : index.externals;
  return keysOf(index, evaluate(expr, { index, hidden }));
}

export interface SelectionOptions {
  /** Let broad selections and traversals select external assets too (`--include-external`). @default false */
  readonly includeExternal?: boolean;
}

/** What evaluation reads: the index, and the assets only an exact key selects. */
interface Scope {
  readonly index: AssetSelectionIndex;
  readonly hidden: AssetSet;
}

/** Closure flags of a launch (`--include-upstream`, `--include-downstream`). */
export interface ClosureFlags {
  readonly includeUpstream?: boolean;
  readonly includeDownstream?: boolean;
}

/**
 * `keys` plus all their ancestors (`includeUpstream`) and/or all their descendants
 * (`includeDownstream`), sorted by key.
 * @throws UNKNOWN_ASSET (details `{ key }`) for the first key the graph does not have.
 */
export function expandAssetClosure(keys: readonly string[], index: AssetSelectionIndex, flags: ClosureFlags): string[] {
  const selected = idsOfKeys(keys, index);
  const result = selected.copy();
  if (flags.includeUpstream === true) result.or(traverse(index, selected, 'upstream', 'all'));
  if (flags.includeDownstream === true) result.or(traverse(index, selected, 'downstream', 'all'));
  return keysOf(index, result);
}

function evaluate(expr: AssetSelectionExpr, scope: Scope): AssetSet {
  const { index, hidden } = scope;
  const broad = (set: AssetSet): AssetSet => set.subtract(hidden);
  switch (expr.type) {
    case 'all':
      return broad(AssetSet.full(index.size));
    case 'key':
      return expr.pattern.includes('*') ? broad(matchKeyPattern(expr.pattern, index)) : matchKeyPattern(expr.pattern, index);
    case 'keys':
      return idsOfKeys(expr.keys, index);
    case 'tag':
      return broad(
        expr.key === null ? index.without((asset) => Object.keys(asset.tags).length === 0) : index.withTag(expr.key, expr.value),
      );
    case 'owner':
      return broad(expr.owner === null ? index.without((asset) => asset.owners.length === 0) : index.withOwner(expr.owner));
    case 'group':
      return broad(expr.group === null ? index.without((asset) => asset.group === undefined) : index.withGroup(expr.group));
    case 'kind':
      return broad(expr.kind === null ? index.without((asset) => asset.kinds.length === 0) : index.withKind(expr.kind));
    case 'not':
      return broad(evaluate(expr.operand, scope).invert());
    case 'and':
      return combine(expr.operands, scope, (into, next) => into.and(next));
    case 'or':
      return combine(expr.operands, scope, (into, next) => into.or(next));
    case 'traverse': {
      const operand = evaluate(expr.operand, scope);
      const upstream = traverse(index, operand, 'upstream', expr.upstream);
      const walked = expr.downstream === 0 ? upstream : upstream.or(traverse(index, operand, 'downstream', expr.downstream));
      // What the walk added is broad; what the operand named stays.
      return broad(walked).or(operand);
    }
    case 'roots':
      return rootsOf(index, evaluate(expr.operand, scope));
    case 'sinks':
      return sinksOf(index, evaluate(expr.operand, scope));
  }
}

function combine(
  operands: readonly AssetSelectionExpr[],
  scope: Scope,
  merge: (into: AssetSet, next: AssetSet) => AssetSet,
): AssetSet {
  const [first, ...rest] = operands.map((operand) => evaluate(operand, scope));
  // An empty operand list never comes out of the parser; for hand-built ones it selects nothing.
  if (first === undefined) return AssetSet.empty(scope.index.size);
  return rest.reduce(merge, first);
}

/** `*` matches any run of characters, `/` included; without `*` the pattern is an exact key. */
function matchKeyPattern(pattern: string, index: AssetSelectionIndex): AssetSet {
  const star = pattern.indexOf('*');
  if (star === -1) {
    const id = index.idOf(pattern);
    return AssetSet.of(index.size, id === undefined ? [] : [id]);
  }
  const matcher = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 's');
  // Keys are sorted, so only the run sharing the literal text before the first `*` can match.
  const [from, to] = index.prefixRange(pattern.slice(0, star));
  const set = AssetSet.empty(index.size);
  for (let id = from; id < to; id += 1) {
    if (matcher.test(index.keys[id] as string)) set.add(id);
  }
  return set;
}

function idsOfKeys(keys: readonly string[], index: AssetSelectionIndex): AssetSet {
  const set = AssetSet.empty(index.size);
  for (const key of keys) {
    const id = index.idOf(key);
    if (id === undefined) throw unknownAssetError(key, index.keys, 'in the selection');
    set.add(id);
  }
  return set;
}

function keysOf(index: AssetSelectionIndex, set: AssetSet): string[] {
  return set.ids().map((id) => index.keys[id] as string);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
