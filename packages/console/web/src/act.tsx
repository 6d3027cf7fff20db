/** Act as an actor: a development user sends the commands the gateway allows their role, from forms made from the routes' schemas. */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type {
  DescribedRoute,
  DevUser,
  JsonSchema,
  ServiceDescription,
  SystemDeclaration,
} from '../../src/model.ts';
import { getJson, time, useEvents } from './store.ts';

type Roles = Readonly<Record<string, readonly string[]>> | undefined;

/** The gateway's rule (packages/gateway/src/routes.ts isAllowed). */
export function allowed(roles: Roles, method: string, userRoles: readonly string[]): boolean {
  if (userRoles.includes('admin') || !roles) return true;
  const rule = roles[method] ?? (method === 'HEAD' ? roles.GET : undefined) ?? roles['*'];
  return rule === undefined || rule.some((r) => userRoles.includes(r));
}

interface Action {
  service: string;
  route: DescribedRoute;
}

const under = (url: string, prefix: string) => url === prefix || url.startsWith(`${prefix}/`);

function choices(schema: JsonSchema): unknown[] | undefined {
  if (schema.enum) return [...schema.enum];
  if (schema.anyOf?.every((s) => 'const' in s)) return schema.anyOf.map((s) => s.const);
  return undefined;
}

function kindOf(schema: JsonSchema): string {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type) return type as string;
  const inner = schema.anyOf?.find((s) => s.type && s.type !== 'null');
  return inner ? kindOf(inner) : 'string';
}

function initial(schema: JsonSchema): string {
  const example = schema.examples?.[0] ?? schema.default;
  if (example !== undefined) return typeof example === 'string' ? example : JSON.stringify(example);
  const options = choices(schema);
  if (options) return String(options[0]);
  return '';
}

function Form(props: { action: Action; onSend: (path: string, body: unknown) => void; sending: boolean }) {
  const { route } = props.action;
  const params = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]);
  const properties = Object.entries(route.body?.properties ?? {});
  const required = new Set(route.body?.required ?? []);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(properties.map(([name, schema]) => [name, initial(schema)])),
  );
  const [paramValues, setParamValues] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    let path = route.url;
    for (const p of params) path = path.replace(`:${p}`, encodeURIComponent(paramValues[p] ?? ''));
    let body: Record<string, unknown> | undefined;
    if (route.body) {
      body = {};
      for (const [name, schema] of properties) {
        const raw = values[name] ?? '';
        if (raw === '' && !required.has(name)) continue;
        const kind = kindOf(schema);
        if (kind === 'integer' || kind === 'number') {
          const n = Number(raw);
          if (raw === '' || Number.isNaN(n)) return setError(`${name} must be a number`);
          body[name] = n;
        } else if (kind === 'boolean') body[name] = raw === 'true';
        else if (kind === 'object' || kind === 'array') {
          try {
            body[name] = JSON.parse(raw);
          } catch {
            return setError(`${name} must be JSON`);
          }
        } else body[name] = raw;
      }
    }
    setError('');
    props.onSend(path, body);
  };
  return (
    <form class="act-form" onSubmit={submit} data-form={`${route.method} ${route.url}`}>
      {params.map((p) => (
        <label>
          <span>
            {p} <em>path</em>*
          </span>
          <input
            name={p}
            required
            value={paramValues[p] ?? ''}
            onInput={(e) => setParamValues({ ...paramValues, [p]: e.currentTarget.value })}
          />
        </label>
      ))}
      {properties.map(([name, schema]) => {
        const options = choices(schema);
        const kind = kindOf(schema);
        const set = (v: string) => setValues({ ...values, [name]: v });
        return (
          // biome-ignore lint/a11y/noLabelWithoutControl: the control is one of three, chosen below
          <label>
            <span>
              {name} <em>{options ? 'one of' : kind}</em>
              {required.has(name) ? '*' : ''}
            </span>
            {options ? (
              <select name={name} value={values[name]} onChange={(e) => set(e.currentTarget.value)}>
                {options.map((o) => (
                  <option value={String(o)}>{String(o)}</option>
                ))}
              </select>
            ) : kind === 'boolean' ? (
              <select name={name} value={values[name]} onChange={(e) => set(e.currentTarget.value)}>
                <option value="">–</option>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : (
              <input
                name={name}
                type={kind === 'integer' || kind === 'number' ? 'number' : 'text'}
                required={required.has(name)}
                min={schema.minimum}
                max={schema.maximum}
                maxLength={schema.maxLength}
                value={values[name]}
                placeholder={schema.description ?? ''}
                onInput={(e) => set(e.currentTarget.value)}
              />
            )}
          </label>
        );
      })}
      {error && <p class="error">{error}</p>}
      <button type="submit" disabled={props.sending} data-testid="send">
        send {route.method} {route.url}
      </button>
    </form>
  );
}

/** The correlation id a response names: its id, or the last segment of its Location. */
export function keyOf(response: { body?: unknown; headers?: Record<string, string> }): string | undefined {
  const body = response.body as Record<string, unknown> | null;
  for (const field of ['orderId', 'id']) {
    const value = body?.[field];
    if (typeof value === 'number' || typeof value === 'string') return String(value);
  }
  return response.headers?.location?.split('/').filter(Boolean).pop();
}

export function ActView(props: {
  system: SystemDeclaration;
  users: DevUser[];
  onKey: (key: string) => void;
}) {
  const { system } = props;
  const users = props.users.filter((u) => u.systems.includes('*') || u.systems.includes(system.name));
  const [username, setUsername] = useState(users[0]?.username ?? '');
  const [described, setDescribed] = useState<Record<string, ServiceDescription>>({});
  const [chosen, setChosen] = useState('');
  const [sending, setSending] = useState(false);
  const [response, setResponse] = useState<{
    status: number;
    body: unknown;
    headers: Record<string, string>;
    ms: number;
  }>();
  useEffect(() => {
    void getJson<{ services: Record<string, ServiceDescription> }>(
      `/api/systems/${system.name}/describe`,
    ).then((d) => setDescribed(d.services));
  }, [system.name]);
  const user = users.find((u) => u.username === username);
  const actions = useMemo(() => {
    const list: Action[] = [];
    for (const service of system.services) {
      for (const prefix of service.routes ?? []) {
        for (const route of described[service.name]?.routes ?? []) {
          if (!under(route.url, prefix.prefix) || !user || !allowed(prefix.roles, route.method, user.roles))
            continue;
          if (!list.some((a) => a.route.method === route.method && a.route.url === route.url))
            list.push({ service: service.name, route });
        }
      }
    }
    return list.sort((a, b) => Number(a.route.method === 'GET') - Number(b.route.method === 'GET'));
  }, [described, username, system.name]);
  const action = actions.find((a) => `${a.route.method} ${a.route.url}` === chosen) ?? actions[0];
  const key = response ? keyOf(response) : undefined;
  // Every event of what the command started (a key's events are few: none is left out).
  const started = useEvents(system.name, key ? { key } : undefined).events;
  const send = async (path: string, body: unknown) => {
    if (!action) return;
    setSending(true);
    try {
      setResponse(
        await getJson(`/api/systems/${system.name}/act`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username, method: action.route.method, path, body }),
        }),
      );
    } catch (e) {
      setResponse({ status: 0, body: { message: (e as Error).message }, headers: {}, ms: 0 });
    } finally {
      setSending(false);
    }
  };
  return (
    <div class="act">
      <div class="filters">
        <label>
          act as{' '}
          <select value={username} onChange={(e) => setUsername(e.currentTarget.value)} data-testid="user">
            {users.map((u) => (
              <option value={u.username}>
                {u.username} ({u.roles.join(', ')})
              </option>
            ))}
          </select>
        </label>
        <label>
          command{' '}
          <select
            value={action ? `${action.route.method} ${action.route.url}` : ''}
            onChange={(e) => setChosen(e.currentTarget.value)}
            data-testid="command"
          >
            {actions.map((a) => (
              <option value={`${a.route.method} ${a.route.url}`}>
                {a.route.method} {a.route.url} ({a.service})
              </option>
            ))}
          </select>
        </label>
      </div>
      {actions.length === 0 && (
        <p class="empty">The gateway lets {username} send nothing here (or the services are not up yet).</p>
      )}
      <div class="act-body">
        {action && (
          <Form
            key={`${username} ${action.route.method} ${action.route.url}`}
            action={action}
            onSend={send}
            sending={sending}
          />
        )}
        {response && (
          <div class="response" data-testid="response" data-status={response.status}>
            <h3>
              {response.status} <small>{response.ms} ms</small>
            </h3>
            {key && (
              <button type="button" onClick={() => props.onKey(key)} data-testid="open-saga">
                saga timeline of {key}
              </button>
            )}
            <pre>{JSON.stringify(response.body, null, 2)}</pre>
            {key && (
              <>
                <h4>events of {key}, live</h4>
                <ul class="started" data-testid="started-events">
                  {started.map((e) => (
                    <li data-type={e.type}>
                      {time(e.timestamp)} {e.type} <small>from {e.source}</small>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
