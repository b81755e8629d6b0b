/**
 * The lineage graph: assets left to right from their deps, laid out by dagre (or, past
 * DAGRE_MAX_NODES, by a cheap layered layout), drawn as SVG. Drag to pan, wheel or the buttons to
 * zoom; each node is focusable and Enter selects it. A large graph opens at a readable zoom and
 * draws only the nodes and edges in view, so 2,000 assets cost the few hundred on screen.
 */
import { Graph, layout } from '@dagrejs/dagre';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent, type WheelEvent } from 'react';
import { layeredLayout } from './layered-layout.js';

export interface LineageNode {
  readonly key: string;
  /** Second line: status and when. */
  readonly sub: string;
  /** Badge tone of the status bar: ok, bad, busy, warn, idle. */
  readonly tone: string;
  readonly deps: readonly string[];
}

const NODE_W = 190;
const NODE_H = 48;
/**
 * Dagre's layout grows much faster than the graph: fine for a few hundred assets, 29 s for 2,000
 * (bench/ui-lineage.bench.ts). Past this the layered layout draws them in well under a second.
 */
const DAGRE_MAX_NODES = 300;
/** Past DAGRE_MAX_NODES: the least zoom Fit picks (names stay readable), and the culling margin. */
const LARGE_FIT_MIN_ZOOM = 0.35;
const CULL_MARGIN = 200;

interface Laid {
  nodes: { key: string; x: number; y: number; node: LineageNode }[];
  edges: { id: string; from: string; to: string; points: { x: number; y: number }[] }[];
  width: number;
  height: number;
}

function lay(nodes: readonly LineageNode[]): Laid {
  if (nodes.length > DAGRE_MAX_NODES) {
    const laid = layeredLayout(nodes, { width: NODE_W, height: NODE_H, rankGap: 60, nodeGap: 18, margin: 20 });
    const byKey = new Map(nodes.map((n) => [n.key, n]));
    return {
      nodes: laid.nodes.map((n) => ({ ...n, node: byKey.get(n.key) as LineageNode })),
      edges: laid.edges.map((e) => ({ id: `${e.from}->${e.to}`, ...e })),
      width: laid.width,
      height: laid.height,
    };
  }
  const g = new Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 60, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const keys = new Set(nodes.map((n) => n.key));
  for (const n of nodes) g.setNode(n.key, { width: NODE_W, height: NODE_H });
  for (const n of nodes) for (const d of n.deps) if (keys.has(d)) g.setEdge(d, n.key);
  layout(g);
  const byKey = new Map(nodes.map((n) => [n.key, n]));
  const graph = g.graph() as { width?: number; height?: number };
  return {
    nodes: g.nodes().map((key: string) => {
      const p = g.node(key) as { x: number; y: number };
      return { key, x: p.x, y: p.y, node: byKey.get(key) as LineageNode };
    }),
    edges: g.edges().map((e: { v: string; w: string }) => ({ id: `${e.v}->${e.w}`, from: e.v, to: e.w, points: (g.edge(e) as { points: { x: number; y: number }[] }).points })),
    width: graph.width ?? 0,
    height: graph.height ?? 0,
  };
}

function edgePath(points: readonly { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  return `M${first.x},${first.y}` + rest.map((p) => ` L${p.x},${p.y}`).join('');
}

function clip(text: string, max: number): string {
  return text.length > max ? `…${text.slice(text.length - max + 1)}` : text;
}

export function LineageGraph({ nodes, selected, onSelect }: { nodes: readonly LineageNode[]; selected?: string; onSelect: (key: string) => void }) {
  // Laid out again only when the graph's shape changes, not when a status does (every poll).
  const shape = nodes.map((n) => `${n.key}<${n.deps.join(',')}`).join('|');
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const laid = useMemo(() => lay(nodes), [shape]);
  const current = new Map(nodes.map((n) => [n.key, n]));
  const [view, setView] = useState({ x: 0, y: 0, k: 1 });
  const drag = useRef<{ x: number; y: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const svg = useRef<SVGSVGElement>(null);
  const large = laid.nodes.length > DAGRE_MAX_NODES;
  const [box, setBox] = useState({ width: 1200, height: 460 });
  useEffect(() => {
    const el = svg.current;
    if (!el) return;
    const measure = () => setBox({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  // The graph region in view, in layout coordinates; only a large graph is culled to it.
  const seen = {
    left: -view.x / view.k - CULL_MARGIN,
    top: -view.y / view.k - CULL_MARGIN,
    right: (box.width - view.x) / view.k + CULL_MARGIN,
    bottom: (box.height - view.y) / view.k + CULL_MARGIN,
  };
  const inView = (x: number, y: number) => !large || (x >= seen.left && x <= seen.right && y >= seen.top && y <= seen.bottom);
  const at = large ? new Map(laid.nodes.map((n) => [n.key, n])) : undefined;
  const drawnNodes = large ? laid.nodes.filter((n) => inView(n.x, n.y)) : laid.nodes;
  const drawnEdges = large
    ? laid.edges.filter((e) => {
        const a = at?.get(e.from);
        const b = at?.get(e.to);
        return (a !== undefined && inView(a.x, a.y)) || (b !== undefined && inView(b.x, b.y));
      })
    : laid.edges;

  const zoomBy = (factor: number, cx?: number, cy?: number) =>
    setView((v) => {
      const k = Math.min(3, Math.max(0.2, v.k * factor));
      const box = svg.current?.getBoundingClientRect();
      const px = cx ?? (box ? box.width / 2 : 0);
      const py = cy ?? (box ? box.height / 2 : 0);
      // Keep the point under the cursor where it is.
      return { k, x: px - ((px - v.x) * k) / v.k, y: py - ((py - v.y) * k) / v.k };
    });
  const fit = () => {
    const box = svg.current?.getBoundingClientRect();
    if (!box || laid.width === 0) return setView({ x: 0, y: 0, k: 1 });
    const whole = Math.min(1.2, box.width / laid.width, box.height / laid.height);
    if (laid.nodes.length > DAGRE_MAX_NODES && whole < LARGE_FIT_MIN_ZOOM) {
      // Too large to read whole: open on its sources (the left edge), vertically at the middle.
      const k = LARGE_FIT_MIN_ZOOM;
      return setView({ k, x: 0, y: (box.height - laid.height * k) / 2 });
    }
    const k = whole;
    setView({ k, x: (box.width - laid.width * k) / 2, y: (box.height - laid.height * k) / 2 });
  };

  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(fit, [laid]);

  const onWheel = (e: WheelEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    zoomBy(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - box.left, e.clientY - box.top);
  };
  const onDown = (e: PointerEvent<SVGSVGElement>) => {
    if ((e.target as Element).closest('.node')) return;
    drag.current = { x: e.clientX - view.x, y: e.clientY - view.y };
    setDragging(true);
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onMove = (e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (d) setView((v) => ({ ...v, x: e.clientX - d.x, y: e.clientY - d.y }));
  };
  const onUp = () => {
    drag.current = null;
    setDragging(false);
  };
  const onKey = (key: string) => (e: KeyboardEvent<SVGGElement>) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onSelect(key);
    }
  };

  return (
    <div className="graph">
      <svg
        ref={svg}
        className={dragging ? 'dragging' : undefined}
        role="group"
        aria-label="Asset lineage graph"
        aria-description={large ? `${laid.nodes.length} assets; those in view are drawn, drag or zoom to see others` : undefined}
        data-assets={laid.nodes.length}
        onWheel={onWheel}
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={onUp}
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="fill-idle" />
          </marker>
        </defs>
        <g transform={`translate(${view.x},${view.y}) scale(${view.k})`}>
          {drawnEdges.map((e) => (
            <path key={e.id} className="edge" data-from={e.from} data-to={e.to} d={edgePath(e.points)} markerEnd="url(#arrow)" />
          ))}
          {drawnNodes.map(({ key, x, y, node: laidNode }) => {
            const node = current.get(key) ?? laidNode;
            return (
            <g
              key={key}
              className={`node${key === selected ? ' selected' : ''}`}
              transform={`translate(${x - NODE_W / 2},${y - NODE_H / 2})`}
              tabIndex={0}
              role="button"
              aria-label={`${key}: ${node.sub}`}
              aria-pressed={key === selected}
              onClick={() => onSelect(key)}
              onKeyDown={onKey(key)}
            >
              <rect className="box" width={NODE_W} height={NODE_H} rx={6} />
              <rect className={`bar fill-${node.tone}`} width={5} height={NODE_H} rx={2} />
              <text x={14} y={20}>{clip(key, 26)}</text>
              <text className="sub" x={14} y={37}>{clip(node.sub, 30)}</text>
            </g>
            );
          })}
        </g>
      </svg>
      <div className="controls">
        <button type="button" aria-label="Zoom in" onClick={() => zoomBy(1.25)}>+</button>
        <button type="button" aria-label="Zoom out" onClick={() => zoomBy(0.8)}>−</button>
        <button type="button" onClick={fit}>Fit</button>
      </div>
    </div>
  );
}
