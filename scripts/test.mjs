// Runs every *.test.ts under packages/ and systems/ (or the paths given) with node:test + tsx.
// Node 20's --test does not expand globs, so we list the files here.
// Tests against real servers end in .engines.test.ts: they run only with --engines
// (`npm run test:engines`, which starts the servers first), and then only they run.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const engines = process.argv.includes('--engines');
const flags = process.argv.slice(2).filter((a) => a.startsWith('-') && a !== '--engines');
const found = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.test.ts') && name.endsWith('.engines.test.ts') === engines) found.push(path);
  }
}
for (const root of roots.length ? roots : ['packages', 'systems']) {
  try {
    statSync(root).isDirectory() ? walk(root) : found.push(root);
  } catch {}
}
found.sort();
// The engine tier ends each file once its tests and hooks are done: a Kafka consumer's heartbeat
// left running after kafka-adapter.engines.test.ts's tests passed (one CI run in four, session 8)
// held that file, and the tier, open for over 20 minutes. KNOWN, not fixed: which consumer outlives
// its close (a timer of @platformatic/kafka's #heartbeat, seen through the inspector).
const forceExit = engines ? ['--test-force-exit'] : [];
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', ...forceExit, ...flags, ...found],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
