/**
 * Graph walks over an `AssetSelectionIndex`: depth-limited traversal from a set of assets (one
 * breadth-first search from all of them at once, so an asset's depth is its distance to the
 * nearest member, as the union of Dagster's per-asset walks), and roots and sinks of a set.
 */
import { AssetSet } from './asset-set.js';
import type { TraversalDepth } from './expr.js';
import type { Adjacency, AssetSelectionIndex } from './selection-index.js';

export type Direction = 'upstream' | 'downstream';

function adjacencyOf(index: AssetSelectionIndex, direction: Direction): Adjacency {
  return direction === 'upstream' ? index.parents : index.children;
}

/**
 * `start` plus every asset at most `depth` edges away in `direction` (`"all"`: any distance).
 * Each asset is visited once, so a walk costs O(assets + edges) whatever the depth.
 */
export function traverse(index: AssetSelectionIndex, start: AssetSet, direction: Direction, depth: TraversalDepth): AssetSet {
  const result = start.copy();
  const { offsets, targets } = adjacencyOf(index, direction);
  let frontier = start.ids();
  for (let level = 0; frontier.length > 0 && (depth === 'all' || level < depth); level += 1) {
    const next: number[] = [];
    for (const id of frontier) {
      for (let e = offsets[id] as number; e < (offsets[id + 1] as number); e += 1) {
        const neighbour = targets[e] as number;
        if (!result.has(neighbour)) {
          result.add(neighbour);
          next.push(neighbour);
        }
      }
    }
    frontier = next;
  }
  return result;
}

/** Assets reachable from `start` by one edge or more in `direction` (members only if so reached). */
function reachable(index: AssetSelectionIndex, start: AssetSet, direction: Direction): AssetSet {
  const { offsets, targets } = adjacencyOf(index, direction);
  const seen = AssetSet.empty(index.size);
  const stack: number[] = [];
  const visitNeighbours = (id: number): void => {
    for (let e = offsets[id] as number; e < (offsets[id + 1] as number); e += 1) {
      const neighbour = targets[e] as number;
      if (!seen.has(neighbour)) {
        seen.add(neighbour);
        stack.push(neighbour);
      }
    }
  };
  for (const id of start.ids()) visitNeighbours(id);
  while (stack.length > 0) visitNeighbours(stack.pop() as number);
  return seen;
}

/** Members of `set` with no member among their ancestors at any distance. */
export function rootsOf(index: AssetSelectionIndex, set: AssetSet): AssetSet {
  return set.copy().subtract(reachable(index, set, 'downstream'));
}

/** Members of `set` with no member among their descendants at any distance. */
export function sinksOf(index: AssetSelectionIndex, set: AssetSet): AssetSet {
  return set.copy().subtract(reachable(index, set, 'upstream'));
}
