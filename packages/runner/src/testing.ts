/**
 * A system behind its gateway for tests: every process started by `launch` (auth with its
 * development users, the services, the gateway) on a copy of the map moved to `basePort`, tokens
 * fetched for the users named, and calls made as one of them (or with no token). Control and auth
 * take free ports, so a test runs beside a developer's `npm start` and beside other systems' tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Launched, launch } from './launch.ts';
import { platformProcesses } from './platform.ts';
import { platformPortsOf, type SystemMap } from './system-map.ts';

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies, read field by field in assertions
export type Json = Record<string, any>;

export interface BehindGateway<U extends string> {
  readonly gateway: string;
  readonly launched: Launched;
  readonly dataDir: string;
  /** The last 200 log lines of every process, for a failing test's message. */
  readonly logs: string[];
  /** One request through the gateway as `who` (null: without a token); a body is sent as JSON. */
  call(who: U | null, method: string, path: string, body?: unknown): Promise<Response>;
  /** GET as `who`, which must answer 200; the body. */
  json(who: U, path: string): Promise<Json>;
  /** GET of a collection as `who`: its `_embedded[plural]` (empty when there is none). */
  items(who: U, path: string, plural: string): Promise<Json[]>;
  stop(): Promise<void>;
}

export async function launchBehindGateway<U extends string>(
  map: SystemMap,
  options: { readonly basePort: number; readonly users: readonly U[] },
): Promise<BehindGateway<U>> {
  const system: SystemMap = { ...map, basePort: options.basePort };
  const gateway = `http://127.0.0.1:${system.basePort}`;
  const dataDir = mkdtempSync(join(tmpdir(), `${map.name}-gateway-`));
  const logs: string[] = [];
  const launched = await launch({
    systems: [system],
    dataDir,
    controlPort: platformPortsOf(system).control,
    logLevel: 'warn',
    sink: (id, _replica, line) => {
      logs.push(`${id} ${line}`);
      if (logs.length > 200) logs.shift();
    },
    platform: platformProcesses({ authPort: platformPortsOf(system).auth }),
  }).catch((error) => {
    console.error(logs.join('\n'));
    throw error;
  });
  const tokens = new Map<string, string>();
  const call = (who: U | null, method: string, path: string, body?: unknown) =>
    fetch(`${gateway}${path}`, {
      method,
      headers: {
        ...(who ? { authorization: `Bearer ${tokens.get(who)}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const json = async (who: U, path: string): Promise<Json> => {
    const res = await call(who, 'GET', path);
    if (res.status !== 200) throw new Error(`GET ${path} as ${who}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Json;
  };
  const stop = async () => {
    await launched.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (const user of options.users) tokens.set(user, await passwordToken(gateway, user, map.name));
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    gateway,
    launched,
    dataDir,
    logs,
    call,
    json,
    items: async (who, path, plural) => ((await json(who, path))._embedded?.[plural] as Json[]) ?? [],
    stop,
  };
}

/** A development user's token for `system` (password = username), through the gateway. */
export async function passwordToken(gateway: string, username: string, system: string): Promise<string> {
  const res = await fetch(`${gateway}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from('bounded-web:dev-secret').toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'password', username, password: username, audience: system }),
  });
  const body = (await res.json()) as Json;
  if (res.status !== 200) throw new Error(`no token for ${username}: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token as string;
}
