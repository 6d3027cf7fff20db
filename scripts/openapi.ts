// npm run openapi [-- <system> …] [--out DIR] — writes every service's OpenAPI document and each
// system's public one (what its gateway serves at /openapi.json) to DIR/<system>/<service>.json
// and DIR/<system>/gateway.json (default DIR: openapi/). Services are built in this process on
// throwaway data, never started: no port is opened and no event is handled.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { publicApi } from '@bounded/gateway';
import { buildService, type ServiceDefinition } from '@bounded/kernel';
import { envNameOf, gatewayRoutes, type SystemMap } from '@bounded/runner';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = resolve(outAt >= 0 ? args[outAt + 1]! : join(root, 'openapi'));
const asked = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--out');
const systems = readdirSync(join(root, 'systems')).filter(
  (name) =>
    existsSync(join(root, 'systems', name, 'system.ts')) && (asked.length === 0 || asked.includes(name)),
);

const isDefinition = (value: unknown): value is ServiceDefinition<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  'setup' in value &&
  'migrations' in value &&
  'topic' in value;

for (const name of systems) {
  const { system } = (await import(pathToFileURL(join(root, 'systems', name, 'system.ts')).href)) as {
    system: SystemMap;
  };
  const documents = new Map<string, unknown>();
  const data = mkdtempSync(join(tmpdir(), 'bounded-openapi-'));
  for (const service of system.services) {
    const module = await import(pathToFileURL(join(dirname(service.entry), 'service.ts')).href);
    const definition = Object.values(module).find(isDefinition);
    if (!definition) throw new Error(`${name}/${service.name}: service.ts exports no service definition`);
    // Sync callees are only named here, never called.
    const callees = Object.fromEntries(
      (service.calls ?? []).map((c) => [envNameOf(c), 'http://127.0.0.1:9']),
    );
    const built = await buildService(definition, { DATA_DIR: data, LOG_LEVEL: 'silent', ...callees });
    const res = await built.app.inject({ url: '/openapi.json' });
    await built.close();
    if (res.statusCode !== 200) throw new Error(`${name}/${service.name}: /openapi.json → ${res.statusCode}`);
    documents.set(service.name, res.json());
  }
  rmSync(data, { recursive: true, force: true });
  const gateway = await publicApi({
    system: name,
    routes: gatewayRoutes(system).map((r) => ({ ...r, roles: r.roles as Record<string, string[]> })),
    targets: (service) => [service],
    fetchDocument: async (service) => documents.get(service),
  })();
  mkdirSync(join(out, name), { recursive: true });
  for (const [service, document] of documents) {
    writeFileSync(join(out, name, `${service}.json`), `${JSON.stringify(document, null, 2)}\n`);
  }
  writeFileSync(join(out, name, 'gateway.json'), `${JSON.stringify(gateway, null, 2)}\n`);
  const operations = Object.values<Record<string, unknown>>(gateway.paths).reduce(
    (n, item) => n + Object.keys(item).length,
    0,
  );
  console.log(`${name}: ${documents.size} services, ${operations} public operations → ${join(out, name)}/`);
}
