/** The system map: an event-storming board laid out on the server, with live figures on top. */
import { useState } from 'preact/hooks';
import type { BoardEdge, BoardNode, LaidOutBoard, ServiceState, SystemState } from '../../src/model.ts';

const pathOf = (points: ReadonlyArray<{ x: number; y: number }>) =>
  points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');

function midpoint(points: ReadonlyArray<{ x: number; y: number }>): { x: number; y: number } {
  if (points.length === 0) return { x: 0, y: 0 };
  const a = points[Math.floor((points.length - 1) / 2)];
  const b = points[Math.ceil((points.length - 1) / 2)];
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

function Badge(props: {
  x: number;
  y: number;
  label: string;
  value: number | null;
  warn?: boolean;
  test: string;
}) {
  const text = `${props.label} ${props.value ?? '–'}`;
  const width = text.length * 6.4 + 12;
  const bad = props.warn && (props.value ?? 0) > 0;
  return (
    <g class={`badge${bad ? ' bad' : ''}`} data-badge={props.test} data-value={props.value ?? ''}>
      <rect x={props.x} y={props.y} width={width} height={17} rx={8} />
      <text x={props.x + width / 2} y={props.y + 12.5} text-anchor="middle">
        {text}
      </text>
    </g>
  );
}

function ServiceBox(props: {
  node: BoardNode;
  box: { x: number; y: number; width: number; height: number };
  live?: ServiceState;
}) {
  const { node, box, live } = props;
  const down = live && live.ready === 0;
  let x = box.x + 10;
  const badges = [
    { label: 'lag', value: live?.lag ?? null, warn: true, test: 'lag' },
    { label: 'outbox', value: live?.outboxBacklog ?? null, warn: true, test: 'outbox' },
    { label: 'parked', value: live?.parked ?? null, warn: true, test: 'parked' },
  ];
  return (
    <g
      class={`service${down ? ' down' : ''}`}
      data-service={node.ref}
      data-ready={live ? `${live.ready}/${live.instances}` : ''}
    >
      <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={10} />
      <text class="service-name" x={box.x + 12} y={box.y + 20}>
        {node.label}
      </text>
      <text class="service-sub" x={box.x + box.width - 10} y={box.y + 20} text-anchor="end">
        {live
          ? `${down ? 'NOT READY · ' : ''}${live.ready}/${live.instances} ready · ${live.restarts} restarts`
          : ''}
      </text>
      {badges.map((b) => {
        const el = <Badge x={x} y={box.y + 30} {...b} />;
        x += `${b.label} ${b.value ?? '–'}`.length * 6.4 + 18;
        return el;
      })}
    </g>
  );
}

function Sticky(props: {
  node: BoardNode;
  box: { x: number; y: number; width: number; height: number };
  hot: boolean;
}) {
  const { node, box } = props;
  return (
    <g class={`sticky ${node.kind}${props.hot ? ' hot' : ''}`} data-node={node.id} data-kind={node.kind}>
      <rect x={box.x} y={box.y} width={box.width} height={box.height} rx={4} />
      <text
        x={box.x + box.width / 2}
        y={box.y + (node.detail ? 20 : 28)}
        text-anchor="middle"
        class="sticky-label"
      >
        {node.label}
      </text>
      {node.detail && (
        <text x={box.x + box.width / 2} y={box.y + 36} text-anchor="middle" class="sticky-detail">
          {node.detail}
        </text>
      )}
    </g>
  );
}

function Edge(props: {
  edge: BoardEdge;
  points: ReadonlyArray<{ x: number; y: number }>;
  rate: number;
  breaker?: string;
}) {
  const { edge, points, rate } = props;
  if (points.length < 2) return null;
  const mid = midpoint(points);
  const label =
    edge.kind === 'calls' ? `sync · breaker ${props.breaker ?? '?'}` : rate > 0 ? `${rate.toFixed(1)}/s` : '';
  return (
    <g
      class={`edge ${edge.kind}${rate > 0 ? ' hot' : ''}${props.breaker && props.breaker !== 'closed' ? ' broken' : ''}`}
      data-edge={edge.id}
      data-rate={rate.toFixed(1)}
    >
      <path d={pathOf(points)} marker-end="url(#arrow)" />
      {label && (
        <text x={mid.x} y={mid.y - 4} text-anchor="middle" class="edge-label">
          {label}
        </text>
      )}
    </g>
  );
}

export function MapView(props: { board?: LaidOutBoard; state?: SystemState }) {
  const { board, state } = props;
  const [fit, setFit] = useState(true);
  if (!board) return <p class="empty">Laying out the map…</p>;
  const live = new Map(state?.services.map((s) => [s.name, s]));
  const rates = state?.rates ?? {};
  const services = board.nodes.filter((n) => n.kind === 'service');
  const stickies = board.nodes.filter((n) => n.kind !== 'service');
  return (
    <div class="map">
      <div class="legend">
        <span class="key command">command</span>
        <span class="key event">event</span>
        <span class="key policy">policy</span>
        <span class="key readmodel">read model</span>
        <span class="hint">
          edges light up with their rate as events flow; badges: consumer lag, outbox backlog, parked
        </span>
        <button type="button" onClick={() => setFit(!fit)}>
          {fit ? 'actual size' : 'fit to width'}
        </button>
      </div>
      <svg
        class="board"
        role="img"
        aria-label={`event-storming board of ${board.system}`}
        width={fit ? '100%' : board.width}
        height={fit ? undefined : board.height}
        style={fit ? { maxWidth: `${board.width * 1.25}px`, height: 'auto' } : undefined}
        viewBox={`0 0 ${board.width} ${board.height}`}
        data-system={board.system}
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" />
          </marker>
        </defs>
        {services.map(
          (n) =>
            board.boxes[n.id] && <ServiceBox node={n} box={board.boxes[n.id]} live={live.get(n.ref ?? '')} />,
        )}
        {board.edges.map((e) => {
          const from = e.from.startsWith('svc:') ? live.get(e.from.slice(4)) : undefined;
          return (
            <Edge
              edge={e}
              points={board.paths[e.id] ?? []}
              rate={e.ref && e.kind !== 'calls' ? (rates[e.ref] ?? 0) : 0}
              breaker={
                e.kind === 'calls'
                  ? (from?.breakers[e.ref ?? ''] ?? (from && from.ready > 0 ? 'closed' : undefined))
                  : undefined
              }
            />
          );
        })}
        {stickies.map(
          (n) =>
            board.boxes[n.id] && (
              <Sticky
                node={n}
                box={board.boxes[n.id]}
                hot={n.kind === 'event' && (rates[n.ref ?? ''] ?? 0) > 0}
              />
            ),
        )}
      </svg>
    </div>
  );
}
