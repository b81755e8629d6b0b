/**
 * Asset selection: Dagster's selection syntax (current and legacy), parsed to a JSON expression
 * and resolved against a prebuilt graph index.
 */
export {
  keysSelection,
  type AssetSelectionExpr,
  type TraversalDepth,
  type AllExpr,
  type KeyPatternExpr,
  type KeysExpr,
  type TagExpr,
  type OwnerExpr,
  type GroupExpr,
  type KindExpr,
  type NotExpr,
  type AndExpr,
  type OrExpr,
  type TraverseExpr,
  type RootsExpr,
  type SinksExpr,
} from './expr.js';
export { parseAssetSelection } from './parse.js';
export { SELECTION_NESTING_MAX } from './parser.js';
export { AssetSelectionIndex, type SelectableAsset } from './selection-index.js';
export { resolveAssetSelection, expandAssetClosure, type ClosureFlags, type SelectionOptions } from './resolve.js';
