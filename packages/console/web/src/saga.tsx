/** The saga timeline of one correlation id: lanes per service, every step in order, live. */
import { useEffect, useState } from 'preact/hooks';
import type { Timeline } from '../../src/model.ts';
import { getJson, time } from './store.ts';

const LANE = 54;
const LEFT = 150;
const STEP = 34;

export function SagaView(props: { system: string; keyId?: string; onKey: (key: string) => void }) {
  const [input, setInput] = useState(props.keyId ?? '');
  const [timeline, setTimeline] = useState<Timeline>();
  const [error, setError] = useState('');
  useEffect(() => setInput(props.keyId ?? ''), [props.keyId]);
  useEffect(() => {
    if (!props.keyId) return;
    let stop = false;
    const load = () =>
      getJson<Timeline>(`/api/systems/${props.system}/timeline/${encodeURIComponent(props.keyId!)}`)
        .then((t) => {
          if (stop) return;
          setTimeline(t);
          setError('');
        })
        .catch((e: Error) => !stop && setError(e.message));
    void load();
    const timer = setInterval(load, 1000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [props.system, props.keyId]);
  const t = timeline && timeline.key === props.keyId ? timeline : undefined;
  // One column per step, in order (times in the table): a saga's steps are ms apart, then seconds.
  const column = new Map<object, number>();
  for (const [i, item] of (t?.items ?? []).entries()) column.set(item, i);
  const width = LEFT + (t?.items.length ?? 0) * STEP + 60;
  const top = 70;
  const published = new Map(t?.items.filter((i) => i.kind === 'published').map((i) => [i.eventId, i]));
  return (
    <div class="saga">
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          props.onKey(input.trim());
        }}
      >
        <label>
          correlation id (bus key){' '}
          <input value={input} onInput={(e) => setInput(e.currentTarget.value)} data-testid="saga-key" />
        </label>
        <button type="submit">show</button>
        {error && <span class="error">{error}</span>}
      </form>
      {!props.keyId && (
        <p class="empty">Pick an event in Live events, or type an order's (rental's, request's) id.</p>
      )}
      {t && (
        <>
          <p class="stopped" data-testid="stopped-at">
            {t.items.length === 0 ? 'No event with this key seen.' : `Where it is: ${t.stoppedAt}`}
            {t.start !== null && t.end !== null && ` · ${t.end - t.start} ms from first to last step`}
          </p>
          <div class="lanes-scroll">
            <svg
              class="lanes"
              role="img"
              aria-label={`saga timeline of ${t.key}`}
              width={width}
              height={top + t.lanes.length * LANE + 10}
              data-testid="timeline"
            >
              {t.lanes.map((lane, i) => (
                <g class="lane">
                  <rect x={0} y={top + i * LANE} width={width} height={LANE} class={i % 2 ? 'odd' : 'even'} />
                  <text x={8} y={top + i * LANE + LANE / 2 + 4}>
                    {lane}
                  </text>
                </g>
              ))}
              {t.items.map((item) => {
                if (item.kind !== 'handled' && item.kind !== 'parked' && item.kind !== 'waiting') return null;
                const from = published.get(item.eventId);
                if (!from) return null;
                const x1 = LEFT + (column.get(from) ?? 0) * STEP + STEP / 2;
                const y1 = top + t.lanes.indexOf(from.lane) * LANE + LANE / 2;
                const x2 = LEFT + (column.get(item) ?? 0) * STEP + STEP / 2;
                const y2 = top + t.lanes.indexOf(item.lane) * LANE + LANE / 2;
                return (
                  <path
                    class={`flow ${item.kind}`}
                    d={`M${x1},${y1} C${x1 + 20},${y1} ${x2 - 20},${y2} ${x2},${y2}`}
                  />
                );
              })}
              {t.items.map((item) => {
                const cx = LEFT + (column.get(item) ?? 0) * STEP + STEP / 2;
                const cy = top + t.lanes.indexOf(item.lane) * LANE + LANE / 2;
                return (
                  <g class={`mark ${item.kind}${item.compensation ? ' compensation' : ''}`}>
                    <title>{`${time(item.at)} ${item.label}${item.error ? `: ${item.error}` : ''}`}</title>
                    {item.kind === 'published' ? (
                      <>
                        <rect x={cx - 7} y={cy - 7} width={14} height={14} />
                        <text
                          class="mark-label"
                          x={cx}
                          y={top - 6}
                          transform={`rotate(-35 ${cx} ${top - 6})`}
                        >
                          {item.type}
                        </text>
                      </>
                    ) : item.kind === 'parked' ? (
                      <path
                        d={`M${cx - 6},${cy - 6} L${cx + 6},${cy + 6} M${cx + 6},${cy - 6} L${cx - 6},${cy + 6}`}
                      />
                    ) : (
                      <circle cx={cx} cy={cy} r={item.kind === 'command' ? 7 : 5} />
                    )}
                  </g>
                );
              })}
            </svg>
          </div>
          <table class="steps" data-testid="steps">
            <thead>
              <tr>
                <th>time</th>
                <th>+ms</th>
                <th>service</th>
                <th>step</th>
                <th>event</th>
              </tr>
            </thead>
            <tbody>
              {t.items.map((item) => (
                <tr
                  class={`${item.kind}${item.compensation ? ' compensation' : ''}`}
                  data-kind={item.kind}
                  data-type={item.type}
                >
                  <td>{time(item.at)}</td>
                  <td>{t.start !== null ? item.at - t.start : ''}</td>
                  <td>{item.lane}</td>
                  <td>
                    {item.kind}
                    {item.compensation ? ' · compensation' : ''}
                    {item.attempts ? ` · ${item.attempts} attempts` : ''}
                  </td>
                  <td>
                    {item.label}
                    {item.error && <div class="error">{item.error}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
