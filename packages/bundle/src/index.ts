import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';

// The repository's .build/, whichever package or script asks.
const OUT = resolve(import.meta.dirname, '..', '..', '..', '.build');

/**
 * Native or optional drivers stay in node_modules; everything else goes into the bundle.
 * The Kafka client too: it reads a .wasm file next to its own module at load time.
 */
const EXTERNAL = ['pg', 'pg-native', 'mysql2', '@platformatic/kafka'];

/** Bumped when the output's shape changes (2: dynamic imports split into chunks), to rebuild old bundles. */
const LAYOUT = 2;

/**
 * Bundles a process entry (TypeScript, with the workspace's packages and its npm dependencies,
 * all but the native/optional drivers) into one plain ESM file that `node` runs with no loader.
 * Long-running processes start this way, for two measured reasons: tsx's loader thread costs
 * ~0.8% CPU per idle process, and a single file starts with ~2.3x less CPU (46 vs 107 clock
 * ticks for a service) and ~15 MB less RSS than resolving and compiling node_modules file by file.
 */
export async function bundle(entry: string, name = basename(entry).replace(/\.ts$/, '')): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const outfile = join(OUT, `${name}.mjs`);
  const manifest = `${outfile}.inputs.json`;
  if (upToDate(manifest, entry)) return outfile;
  const chunks = join(OUT, 'chunks', name);
  rmSync(chunks, { recursive: true, force: true });
  const result = await build({
    metafile: true,
    entryPoints: { [name]: entry },
    outdir: OUT,
    // What is imported dynamically (the Kafka and NATS adapters) goes to chunks of its own, loaded
    // only when asked for: bundled inline they cost every service ~40 MB of RSS (measured).
    splitting: true,
    chunkNames: `chunks/${name}/[name]-[hash]`,
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    ...SHARED_OPTIONS,
  });
  // This file too: a change of the build's options (externals …) must rebuild every bundle.
  const inputs = [
    ...Object.keys(result.metafile.inputs).map((input) => resolve(input)),
    import.meta.filename,
  ];
  writeFileSync(
    manifest,
    JSON.stringify({
      entry: resolve(entry),
      external: EXTERNAL,
      layout: LAYOUT,
      inputs: inputs.map((path) => [path, mtimeOf(path)]),
    }),
  );
  return outfile;
}

/** Build options every bundle shares, one or many at a time. */
const SHARED_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  logLevel: 'error',
  external: EXTERNAL,
  // Bundled CommonJS packages still call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
  },
} as const;

/**
 * Bundles many process entries in one build into `outdir` (`<name>.mjs` each), the code they
 * share in chunks of their own (`chunks/`): what a container image holds, where 26 processes
 * bundled one by one would carry the same runtime 26 times. Not cached: an image build is.
 */
export async function bundleTogether(
  entries: Readonly<Record<string, string>>,
  outdir: string,
  options: { sourcemap?: boolean; minify?: boolean } = {},
): Promise<string[]> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: { ...entries },
    outdir,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
    sourcemap: options.sourcemap ?? false,
    minifySyntax: options.minify ?? false,
    minifyWhitespace: options.minify ?? false,
    ...SHARED_OPTIONS,
  });
  return Object.keys(entries).map((name) => join(outdir, `${name}.mjs`));
}

/** A bundle is reused while every file that went into it is unchanged (a restart costs no rebuild). */
function upToDate(manifest: string, entry: string): boolean {
  try {
    const {
      entry: built,
      external,
      layout,
      inputs,
    } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      entry: string;
      external?: string[];
      layout?: number;
      inputs: Array<[string, number]>;
    };
    return (
      built === resolve(entry) &&
      JSON.stringify(external) === JSON.stringify(EXTERNAL) &&
      layout === LAYOUT &&
      inputs.every(([path, mtime]) => mtimeOf(path) === mtime)
    );
  } catch {
    return false;
  }
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}
