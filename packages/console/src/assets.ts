/**
 * The front end's built files: built by Vite into .build/console/ when missing or older than
 * its sources (as the services' bundles are), then served from memory by the control endpoint.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

const here = import.meta.dirname;
export const WEB_DIR = join(here, '..', 'web');
const ROOT = join(here, '..', '..', '..');
export const BUILT_DIR = join(ROOT, '.build', 'console');

function newest(dir: string): number {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    latest = Math.max(latest, stat.isDirectory() ? newest(path) : stat.mtimeMs);
  }
  return latest;
}

/** Builds the front end if it is missing or stale; returns the folder it is in. */
export function ensureBuilt(): string {
  const index = join(BUILT_DIR, 'index.html');
  const sources = Math.max(newest(WEB_DIR), statSync(join(here, 'model.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return BUILT_DIR;
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  // Built beside, then renamed into place: a runner and a test building at once never see half a build.
  const building = `${BUILT_DIR}.${process.pid}`;
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--config', join(WEB_DIR, 'vite.config.ts'), '--outDir', building],
    { cwd: WEB_DIR, encoding: 'utf8' },
  );
  if (result.status !== 0 || !existsSync(join(building, 'index.html')))
    throw new Error(`console: building the front end failed:\n${result.stdout}\n${result.stderr}`);
  rmSync(BUILT_DIR, { recursive: true, force: true });
  try {
    renameSync(building, BUILT_DIR);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another build won the rename
  }
  return BUILT_DIR;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface Asset {
  readonly type: string;
  readonly body: Buffer;
}

/** Every built file by its URL path (/index.html, /assets/…). */
export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string, prefix: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path, `${prefix}${name}/`);
      else
        assets.set(`${prefix}${name}`, {
          type: TYPES[extname(name)] ?? 'application/octet-stream',
          body: readFileSync(path),
        });
    }
  };
  walk(dir, '/');
  return assets;
}
