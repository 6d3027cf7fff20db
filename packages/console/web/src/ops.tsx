/** Operations: instances (stop/start/restart/scale via the runner's control routes), lag, parked events. */
import { useEffect, useState } from 'preact/hooks';
import type { SystemDeclaration, SystemState } from '../../src/model.ts';
import { getJson } from './store.ts';

interface Parked {
  service: string;
  group: string;
  eventId: string;
  key: string;
  type: string;
  partition: number;
  offset: number;
  error: string;
  attempts: number;
  parkedAt: string;
  data: unknown;
}

export function OpsView(props: { system: SystemDeclaration; state?: SystemState }) {
  const { system, state } = props;
  const [busy, setBusy] = useState('');
  const [message, setMessage] = useState('');
  const [parked, setParked] = useState<Parked[]>([]);
  const [open, setOpen] = useState('');
  const [scale, setScale] = useState<Record<string, number>>({});
  const loadParked = () =>
    getJson<{ parked: Parked[] }>(`/api/systems/${system.name}/parked`)
      .then((p) => setParked(p.parked))
      .catch(() => {});
  useEffect(() => {
    void loadParked();
    const timer = setInterval(loadParked, 2000);
    return () => clearInterval(timer);
  }, [system.name]);
  const act = async (label: string, work: () => Promise<unknown>) => {
    setBusy(label);
    setMessage(`${label}…`);
    try {
      const result = await work();
      setMessage(
        `${label}: done${result && typeof result === 'object' && 'outcome' in result ? ` (${(result as { outcome: string }).outcome})` : ''}`,
      );
    } catch (e) {
      setMessage(`${label}: ${(e as Error).message}`);
    } finally {
      setBusy('');
      void loadParked();
    }
  };
  const control = (service: string, verb: string, body?: unknown) =>
    act(`${verb} ${system.name}/${service}`, () =>
      getJson(`/processes/${system.name}/${service}/${verb}`, {
        method: 'POST',
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      }),
    );
  const services = state?.services ?? [];
  return (
    <div class="ops">
      <p class="message" data-testid="ops-message">
        {message}
      </p>
      <h3>Instances</h3>
      <table>
        <thead>
          <tr>
            <th>service</th>
            <th>replicas</th>
            <th>pid · port · state</th>
            <th>restarts</th>
            <th>actions</th>
          </tr>
        </thead>
        <tbody>
          {[...system.services.map((s) => s.name), 'gateway'].map((name) => {
            const mine = state?.instances.filter((i) => i.id === `${system.name}/${name}`) ?? [];
            const n = scale[name] ?? Math.max(1, mine.length);
            return (
              <tr data-ops-service={name}>
                <td>{name}</td>
                <td>
                  {mine.filter((i) => i.ready).length}/{mine.length} ready
                </td>
                <td>
                  {mine.map((i) => (
                    <div>
                      #{i.replica} pid {i.pid ?? '-'} :{i.port} {i.state}
                    </div>
                  ))}
                </td>
                <td>{mine.reduce((a, i) => a + i.restarts, 0)}</td>
                <td class="actions">
                  <button
                    type="button"
                    disabled={!!busy}
                    onClick={() => control(name, 'stop')}
                    data-action="stop"
                  >
                    stop
                  </button>
                  <button
                    type="button"
                    disabled={!!busy}
                    onClick={() => control(name, 'start')}
                    data-action="start"
                  >
                    start
                  </button>
                  <button
                    type="button"
                    disabled={!!busy}
                    onClick={() => control(name, 'restart')}
                    data-action="restart"
                  >
                    restart
                  </button>
                  <input
                    type="number"
                    min={0}
                    max={20}
                    value={n}
                    onInput={(e) => setScale({ ...scale, [name]: Number(e.currentTarget.value) })}
                    aria-label={`replicas of ${name}`}
                  />
                  <button
                    type="button"
                    disabled={!!busy}
                    onClick={() => control(name, 'scale', { replicas: n })}
                    data-action="scale"
                  >
                    scale
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>Consumer lag per partition</h3>
      <table class="lag">
        <thead>
          <tr>
            <th>group</th>
            <th>total</th>
            <th>per partition</th>
            <th>outbox backlog</th>
            <th>breakers</th>
          </tr>
        </thead>
        <tbody>
          {services.map((s) => (
            <tr data-lag-group={s.name}>
              <td>{s.name}</td>
              <td>{s.lag ?? '–'}</td>
              <td>
                {Object.entries(s.lagByPartition).map(([p, n]) => (
                  <span class={`part${n > 0 ? ' behind' : ''}`}>
                    p{p}: {n}
                  </span>
                ))}
              </td>
              <td>{s.outboxBacklog ?? '–'}</td>
              <td>
                {Object.entries(s.breakers).map(([d, b]) => (
                  <span class={`breaker ${b}`}>
                    {d}: {b}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Parked events ({parked.length})</h3>
      <table class="parked" data-testid="parked">
        <thead>
          <tr>
            <th>group</th>
            <th>type</th>
            <th>key</th>
            <th>attempts</th>
            <th>error</th>
            <th>actions</th>
          </tr>
        </thead>
        <tbody>
          {parked.map((p) => (
            <>
              <tr data-parked={p.eventId}>
                <td>{p.group}</td>
                <td>{p.type}</td>
                <td>{p.key}</td>
                <td data-attempts={p.attempts}>{p.attempts}</td>
                <td class="error">{p.error.slice(0, 120)}</td>
                <td class="actions">
                  <button
                    type="button"
                    onClick={() => setOpen(open === p.eventId ? '' : p.eventId)}
                    data-action="inspect"
                  >
                    inspect
                  </button>
                  <button
                    type="button"
                    disabled={!!busy}
                    data-action="replay"
                    onClick={() =>
                      act(`replay ${p.eventId}`, () =>
                        getJson(
                          `/api/systems/${system.name}/services/${p.service}/parked/${p.eventId}/replay`,
                          { method: 'POST' },
                        ),
                      )
                    }
                  >
                    replay
                  </button>
                  <button
                    type="button"
                    disabled={!!busy}
                    data-action="discard"
                    onClick={() =>
                      act(`discard ${p.eventId}`, () =>
                        getJson(`/api/systems/${system.name}/services/${p.service}/parked/${p.eventId}`, {
                          method: 'DELETE',
                        }),
                      )
                    }
                  >
                    discard
                  </button>
                </td>
              </tr>
              {open === p.eventId && (
                <tr>
                  <td colSpan={6}>
                    <pre data-testid="parked-detail">{JSON.stringify(p, null, 2)}</pre>
                  </td>
                </tr>
              )}
            </>
          ))}
        </tbody>
      </table>
    </div>
  );
}
