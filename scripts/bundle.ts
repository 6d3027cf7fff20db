import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';

const OUT = resolve(import.meta.dirname, '..', '.build');

/**
 * Bundles a process entry (TypeScript, with the workspace's @bounded/* packages inlined and
 * npm packages left external) into plain ESM that `node` runs with no loader. Long-running
 * processes start this way: tsx's loader thread costs ~0.8% CPU per idle process (measured),
 * which alone would break the bus's idle target.
 */
export async function bundle(entry: string, name = basename(entry).replace(/\.ts$/, '')): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const outfile = join(OUT, `${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
    plugins: [
      {
        name: 'external-npm-packages',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@bounded/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return outfile;
}
