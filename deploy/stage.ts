// Stages the image's build context (deploy/Containerfile): every process of every system under
// systems/ as a bundle (@bounded/bundle, as the runner builds them), the drivers the bundles keep
// external with what they need at run time, and start.mjs, which runs one of them by name.
//   node --import tsx deploy/stage.ts [outDir]     (default .tmp/k8s/context)
// Prints the process names, one a line.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleTogether } from '@bounded/bundle';
import { loadSystems } from './systems.ts';

const root = resolve(import.meta.dirname, '..');
const out = resolve(process.argv[2] ?? join(root, '.tmp', 'k8s', 'context'));
const app = join(out, 'app');

const systems = await loadSystems();
const entries: Array<{ name: string; entry: string }> = [
  { name: 'auth', entry: join(root, 'packages', 'auth', 'src', 'main.ts') },
  { name: 'gateway', entry: join(root, 'packages', 'gateway', 'src', 'main.ts') },
  ...systems.flatMap((system) =>
    system.services.map((s) => ({ name: `${system.name}-${s.name}`, entry: s.entry })),
  ),
];

rmSync(app, { recursive: true, force: true });
mkdirSync(app, { recursive: true });
// One build for all of them: the runtime they share is in the image once (chunks/), not per process.
await bundleTogether(Object.fromEntries(entries.map((e) => [e.name, e.entry])), join(app, '.build'));

// The external drivers (packages/bundle keeps them out of the bundles) and their run-time
// dependencies, copied from the root node_modules (npm hoists them there).
const RUNTIME_ROOTS = ['pg', 'mysql2', '@platformatic/kafka'];
const modules = join(root, 'node_modules');
const seen = new Set<string>();
const queue = [...RUNTIME_ROOTS];
while (queue.length > 0) {
  const name = queue.shift() as string;
  if (seen.has(name)) continue;
  const dir = join(modules, name);
  if (!existsSync(join(dir, 'package.json'))) continue; // an optional dependency not installed here
  seen.add(name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  queue.push(...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}));
  cpSync(dir, join(app, 'node_modules', name), {
    recursive: true,
    filter: (src) =>
      !/\/(test|tests|docs?|\.github)(\/|$)/.test(src.slice(dir.length)) &&
      !src.endsWith('.md') &&
      !src.endsWith('.map') &&
      !src.endsWith('.d.ts'),
  });
}

const names = entries.map((e) => e.name);
writeFileSync(join(app, 'processes.json'), `${JSON.stringify(names, null, 2)}\n`);
writeFileSync(join(app, 'package.json'), '{ "type": "module", "private": true }\n');
writeFileSync(
  join(app, 'start.mjs'),
  `// Runs one process of the image by name, in this process (node stays PID 1 and gets SIGTERM).
import { readFileSync } from 'node:fs';
const names = JSON.parse(readFileSync(new URL('./processes.json', import.meta.url), 'utf8'));
const name = process.argv[2] ?? process.env.BOUNDED_PROCESS;
if (!name || !names.includes(name)) {
  console.error(\`usage: <image> <process>; processes: \${names.join(' ')}\`);
  process.exit(2);
}
// A service's name for its logs and config, unless the deployment says otherwise.
await import(\`./.build/\${name}.mjs\`);
`,
);
for (const name of names) console.log(name);
