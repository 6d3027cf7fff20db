// The system maps (systems/<system>/system.ts) as the image build and the chart read them: a
// system whose map or any of whose services' entries is not there yet is left out, with a note.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SystemMap } from '@bounded/runner';

export const ROOT = resolve(import.meta.dirname, '..');

export async function loadSystems(only?: readonly string[]): Promise<SystemMap[]> {
  const dir = join(ROOT, 'systems');
  const names = readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'system.ts')))
    .filter((name) => !only || only.includes(name))
    .sort();
  const systems: SystemMap[] = [];
  for (const name of names) {
    const module = (await import(pathToFileURL(join(dir, name, 'system.ts')).href)) as { system?: SystemMap };
    const system = module.system;
    if (!system) {
      console.error(`deploy: systems/${name}/system.ts exports no \`system\`: left out`);
      continue;
    }
    const missing = system.services.filter((s) => !existsSync(s.entry)).map((s) => s.name);
    if (missing.length > 0) {
      console.error(`deploy: ${name} left out: no entry yet for ${missing.join(', ')}`);
      continue;
    }
    systems.push(system);
  }
  return systems;
}
