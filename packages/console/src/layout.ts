/**
 * Lays a board out with elkjs (layered, left to right, service boxes as compound nodes). Runs on
 * the server, once per change of the board, so the browser's bundle carries no layout engine.
 */
import { createRequire } from 'node:module';
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { Board, BoardNode, LaidOutBoard } from './model.ts';

// elk.bundled.js is CommonJS (module.exports = the constructor), with no worker thread needed.
const ElkConstructor = createRequire(import.meta.url)('elkjs/lib/elk.bundled.js') as new () => ELK;
const elk = new ElkConstructor();
const CHAR = 7.2;

export function sizeOf(node: BoardNode): { width: number; height: number } {
  const text = Math.max(node.label.length, (node.detail ?? '').length * 0.85);
  if (node.kind === 'gateway') return { width: Math.max(150, text * CHAR + 28), height: 52 };
  return { width: Math.max(110, Math.min(260, text * CHAR + 24)), height: 48 };
}

export async function layoutBoard(board: Board): Promise<LaidOutBoard> {
  const children = new Map<string | undefined, ElkNode[]>();
  const elkNodes = new Map<string, ElkNode>();
  for (const node of board.nodes) {
    const elkNode: ElkNode =
      node.kind === 'service'
        ? {
            id: node.id,
            layoutOptions: {
              'elk.padding': '[top=58,left=14,bottom=14,right=14]',
              'elk.nodeSize.constraints': 'MINIMUM_SIZE',
              'elk.nodeSize.minimum': '(200, 90)',
            },
          }
        : { id: node.id, ...sizeOf(node) };
    elkNodes.set(node.id, elkNode);
  }
  for (const node of board.nodes) {
    const list = children.get(node.parent) ?? [];
    list.push(elkNodes.get(node.id)!);
    children.set(node.parent, list);
  }
  for (const [parent, list] of children) if (parent) elkNodes.get(parent)!.children = list;
  // Sync calls between boxes are drawn straight, on top; the layout follows the event flow.
  const flow = board.edges.filter((e) => e.kind !== 'calls');
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '46',
      'elk.spacing.nodeNode': '22',
      'elk.spacing.edgeNode': '14',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children: children.get(undefined) ?? [],
    edges: flow.map((e): ElkExtendedEdge => ({ id: e.id, sources: [e.from], targets: [e.to] })),
  };
  const result = await elk.layout(graph);
  const boxes: Record<string, { x: number; y: number; width: number; height: number }> = {};
  const walk = (node: ElkNode, dx: number, dy: number) => {
    for (const child of node.children ?? []) {
      const x = dx + (child.x ?? 0);
      const y = dy + (child.y ?? 0);
      boxes[child.id] = { x, y, width: child.width ?? 0, height: child.height ?? 0 };
      walk(child, x, y);
    }
  };
  walk(result, 0, 0);
  const paths: Record<string, Array<{ x: number; y: number }>> = {};
  const collect = (node: ElkNode, dx: number, dy: number) => {
    for (const edge of node.edges ?? []) {
      // elkjs gives an edge's points relative to the node it is stored in (its container).
      const container = (edge as { container?: string }).container;
      const offset =
        container && container !== 'root' && boxes[container] ? boxes[container] : { x: dx, y: dy };
      const points: Array<{ x: number; y: number }> = [];
      for (const section of edge.sections ?? []) {
        points.push(section.startPoint, ...(section.bendPoints ?? []), section.endPoint);
      }
      paths[edge.id] = points.map((p) => ({ x: p.x + offset.x, y: p.y + offset.y }));
    }
    for (const child of node.children ?? []) collect(child, boxes[child.id].x, boxes[child.id].y);
  };
  collect(result, 0, 0);
  for (const edge of board.edges.filter((e) => e.kind === 'calls')) {
    const a = boxes[edge.from];
    const b = boxes[edge.to];
    if (!a || !b) continue;
    const from = { x: a.x + a.width / 2, y: a.y + a.height };
    const to = { x: b.x + b.width / 2, y: b.y };
    if (b.y + b.height < a.y) {
      from.y = a.y;
      to.y = b.y + b.height;
    }
    paths[edge.id] = [from, to];
  }
  return { ...board, width: result.width ?? 0, height: result.height ?? 0, boxes, paths };
}
