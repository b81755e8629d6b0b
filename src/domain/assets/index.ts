export { isAssetKey, parseAssetKey } from './asset-key.js';
export { AssetGraph, type AssetNode } from './graph.js';
