/**
 * The asset dependency graph: which assets exist, what each reads, and a stable dependency
 * order. Built once per definitions load and validated there: unknown dependencies, duplicates and
 * cycles are load errors that name the assets (and, for a cycle, its path).
 */
import { arcoError } from '../errors/index.js';

export interface AssetNode {
  readonly key: string;
  /** Upstream asset keys, as declared. */
  readonly deps: readonly string[];
}

export class AssetGraph {
  private readonly parentsByKey = new Map<string, readonly string[]>();
  private readonly childrenByKey = new Map<string, string[]>();
  private readonly orderIndex = new Map<string, number>();
  /** Every key in dependency order; ties broken by key so the order never depends on declaration order. */
  readonly topologicalOrder: readonly string[];

  private constructor(nodes: readonly AssetNode[]) {
    for (const node of nodes) {
      this.parentsByKey.set(node.key, [...new Set(node.deps)].sort());
      this.childrenByKey.set(node.key, []);
    }
    for (const node of nodes) {
      for (const dep of new Set(node.deps)) this.childrenByKey.get(dep)?.push(node.key);
    }
    for (const children of this.childrenByKey.values()) children.sort();
    this.topologicalOrder = kahnOrder(this.parentsByKey, this.childrenByKey);
    this.topologicalOrder.forEach((key, i) => this.orderIndex.set(key, i));
  }

  /**
   * @throws DUPLICATE_ASSET_KEY, UNKNOWN_DEPENDENCY (details: asset, dependency), DEPENDENCY_CYCLE
   * (details: cycle, the path with its first key repeated at the end).
   */
  static build(nodes: readonly AssetNode[]): AssetGraph {
    const seen = new Set<string>();
    for (const node of nodes) {
      if (seen.has(node.key)) {
        throw arcoError('DUPLICATE_ASSET_KEY', `asset "${node.key}" is defined more than once`, { asset: node.key });
      }
      seen.add(node.key);
    }
    for (const node of nodes) {
      for (const dep of node.deps) {
        if (!seen.has(dep)) {
          throw arcoError('UNKNOWN_DEPENDENCY', `asset "${node.key}" depends on "${dep}", which is not defined`, {
            asset: node.key,
            dependency: dep,
          });
        }
      }
    }
    const cycle = findCycle(nodes);
    if (cycle) {
      throw arcoError('DEPENDENCY_CYCLE', `assets form a dependency cycle: ${cycle.join(' -> ')}`, { cycle });
    }
    return new AssetGraph(nodes);
  }

  get keys(): readonly string[] {
    return this.topologicalOrder;
  }

  has(key: string): boolean {
    return this.parentsByKey.has(key);
  }

  parents(key: string): readonly string[] {
    return this.parentsByKey.get(key) ?? [];
  }

  children(key: string): readonly string[] {
    return this.childrenByKey.get(key) ?? [];
  }

  /** Sorts keys into dependency order (upstream first). */
  inDependencyOrder(keys: Iterable<string>): string[] {
    return [...new Set(keys)].sort((a, b) => (this.orderIndex.get(a) ?? 0) - (this.orderIndex.get(b) ?? 0));
  }

  /** The keys and all their ancestors (or descendants), bounded by the graph itself. */
  closure(keys: Iterable<string>, direction: 'upstream' | 'downstream'): Set<string> {
    const out = new Set<string>();
    const stack = [...keys];
    while (stack.length > 0) {
      const key = stack.pop() as string;
      if (out.has(key)) continue;
      out.add(key);
      stack.push(...(direction === 'upstream' ? this.parents(key) : this.children(key)));
    }
    return out;
  }
}

function kahnOrder(parents: Map<string, readonly string[]>, children: Map<string, string[]>): string[] {
  const remaining = new Map<string, number>();
  for (const [key, deps] of parents) remaining.set(key, deps.length);
  // A sorted frontier keeps the order independent of declaration order; graphs are validated
  // acyclic before this runs, so the loop ends after visiting every key once.
  const frontier = [...parents.keys()].filter((k) => remaining.get(k) === 0).sort();
  const order: string[] = [];
  while (frontier.length > 0) {
    const key = frontier.shift() as string;
    order.push(key);
    for (const child of children.get(key) ?? []) {
      const left = (remaining.get(child) ?? 0) - 1;
      remaining.set(child, left);
      if (left === 0) insertSorted(frontier, child);
    }
  }
  return order;
}

function insertSorted(list: string[], value: string): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as string) < value) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, value);
}

/** Depth-first search for a cycle; returns its path (first key repeated at the end) or undefined. */
function findCycle(nodes: readonly AssetNode[]): string[] | undefined {
  const deps = new Map(nodes.map((n) => [n.key, [...n.deps].sort()]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (key: string): string[] | undefined => {
    state.set(key, 'visiting');
    path.push(key);
    for (const dep of deps.get(key) ?? []) {
      const s = state.get(dep);
      if (s === 'visiting') return [...path.slice(path.indexOf(dep)), dep].reverse();
      if (s === undefined) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    path.pop();
    state.set(key, 'done');
    return undefined;
  };
  for (const key of [...deps.keys()].sort()) {
    if (state.get(key) === undefined) {
      const found = visit(key);
      if (found) return found;
    }
  }
  return undefined;
}
