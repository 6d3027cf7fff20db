// Renders the chart's view of the system maps: deploy/helm/bounded/systems/<system>.json, one per
// system under systems/ (its services in port order, each one's sync calls and gateway routes).
// The chart's templates iterate over these files, so a system added later gets its Deployments,
// Services, HPAs, gateway and ConfigMap with no chart code of its own: run this, commit the file.
//   node --import tsx deploy/helm/render.ts           write the files
//   node --import tsx deploy/helm/render.ts --check   exit 1 if a file is missing or stale
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSystems } from '../systems.ts';

const dir = join(import.meta.dirname, 'bounded', 'systems');
const check = process.argv.includes('--check');
const systems = await loadSystems();
const wanted = new Map<string, string>();
for (const system of systems) {
  const doc = {
    name: system.name,
    basePort: system.basePort,
    // A NodePort in the default range (30000–32767) from the system's block: 8200 → 30200.
    gatewayNodePort: 22000 + system.basePort,
    services: system.services.map((s) => ({
      name: s.name,
      calls: s.calls ?? [],
      routes: (s.routes ?? []).map((r) => ({ ...r, service: s.name })),
      env: s.env ?? {},
    })),
  };
  wanted.set(`${system.name}.json`, `${JSON.stringify(doc, null, 2)}\n`);
}
const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
const stale = [
  ...[...wanted].filter(
    ([f, text]) => !existsSync(join(dir, f)) || readFileSync(join(dir, f), 'utf8') !== text,
  ),
  ...present.filter((f) => !wanted.has(f)).map((f) => [f, ''] as const),
].map(([f]) => f);
if (check) {
  if (stale.length > 0) {
    console.error(`deploy/helm/render.ts: stale or missing: ${stale.join(', ')} (run it without --check)`);
    process.exit(1);
  }
  console.log(`deploy/helm/render.ts: ${wanted.size} system files up to date`);
} else {
  mkdirSync(dir, { recursive: true });
  for (const f of present) if (!wanted.has(f)) rmSync(join(dir, f));
  for (const [f, text] of wanted) writeFileSync(join(dir, f), text);
  console.log(`deploy/helm/render.ts: wrote ${[...wanted.keys()].join(', ')}`);
}
