import { render } from 'preact';
import { useMemo } from 'preact/hooks';
import { ActView } from './act.tsx';
import { EventsView } from './events.tsx';
import { MapView } from './map.tsx';
import { OpsView } from './ops.tsx';
import { SagaView } from './saga.tsx';
import { go, useCatalog, useLive, useRoute } from './store.ts';
import './style.css';

const TABS = [
  ['map', 'System map'],
  ['events', 'Live events'],
  ['saga', 'Saga timeline'],
  ['ops', 'Operations'],
  ['act', 'Act as an actor'],
] as const;

function App() {
  const catalog = useCatalog();
  const route = useRoute();
  const systemName = route.system ?? catalog?.systems[0]?.name;
  const live = useLive(systemName);
  const system = catalog?.systems.find((s) => s.name === systemName);
  const toSaga = (key: string) => go({ system: systemName, tab: 'saga', arg: key });
  // The map changes with its board and the state (every second); it is sent no events.
  const map = useMemo(() => <MapView board={live.board} state={live.state} />, [live.board, live.state]);
  return (
    <div class="app">
      <header>
        <strong class="brand">Bounded console</strong>
        <nav class="systems">
          {catalog?.systems.map((s) => (
            <a
              href={`#/${s.name}/${route.tab}`}
              class={s.name === systemName ? 'on' : ''}
              data-system-link={s.name}
            >
              {s.name}
            </a>
          ))}
        </nav>
        <span class={`conn${live.connected ? ' on' : ''}`} data-testid="connection">
          {live.connected ? `live · ${live.state?.eventsSeen ?? 0} events seen` : 'connecting…'}
        </span>
      </header>
      <nav class="tabs">
        {TABS.map(([id, label]) => (
          <a href={`#/${systemName ?? ''}/${id}`} class={route.tab === id ? 'on' : ''} data-tab={id}>
            {label}
          </a>
        ))}
      </nav>
      <main>
        {!catalog && <p class="empty">Loading…</p>}
        {catalog && !system && <p class="empty">No system runs here.</p>}
        {system && route.tab === 'map' && map}
        {system && route.tab === 'events' && (
          <EventsView
            system={system.name}
            types={live.state?.eventTypes ?? []}
            services={system.services.map((s) => s.name)}
            onKey={toSaga}
          />
        )}
        {system && route.tab === 'saga' && <SagaView system={system.name} keyId={route.arg} onKey={toSaga} />}
        {system && route.tab === 'ops' && <OpsView system={system} state={live.state} />}
        {system && route.tab === 'act' && <ActView system={system} users={catalog!.users} onKey={toSaga} />}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
