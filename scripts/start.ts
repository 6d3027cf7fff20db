// npm start — runs every system found under systems/. The local runner (supervision, gateway,
// CLI) is its own issue; until a system has landed there is nothing to run, and we say so.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', 'systems');
const systems = existsSync(root)
  ? readdirSync(root).filter((name) => existsSync(join(root, name, 'system.ts')))
  : [];
if (systems.length === 0) {
  console.error('No system has landed yet: only the runtime (packages/) is here. `npm test` runs its tests.');
  process.exit(1);
}
console.error(`Systems found (${systems.join(', ')}), but the local runner has not landed yet.`);
process.exit(1);
