// Every service of every system publishes an OpenAPI document, and each system's gateway one
// that holds exactly the paths its routes expose (`npm run openapi` writes them; this runs it).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { tempDir } from '@bounded/service-kit/testing';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const systems = readdirSync(import.meta.dirname, { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(join(import.meta.dirname, d.name)).includes('system.ts'))
  .map((d) => d.name);

describe('OpenAPI documents (npm run openapi)', () => {
  it('are written for every service and every gateway', { timeout: 240_000 }, async () => {
    const out = tempDir('bounded-openapi-');
    await run(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'openapi.ts'), '--out', out], {
      cwd: root,
      timeout: 230_000,
    });
    for (const system of systems) {
      const { system: map } = await import(join(import.meta.dirname, system, 'system.ts'));
      const files = readdirSync(join(out, system)).sort();
      const expected = [
        ...map.services.map((s: { name: string }) => `${s.name}.json`),
        'gateway.json',
      ].sort();
      assert.deepEqual(files, expected, system);
      const gateway = JSON.parse(readFileSync(join(out, system, 'gateway.json'), 'utf8'));
      const prefixes: string[] = map.services.flatMap((s: { routes?: Array<{ prefix: string }> }) =>
        (s.routes ?? []).map((r) => r.prefix),
      );
      for (const path of Object.keys(gateway.paths)) {
        if (path === '/oauth/token') continue;
        assert.ok(
          prefixes.some((p) => path === p || path.startsWith(`${p}/`)),
          `${system}: ${path} is routed by the gateway`,
        );
        for (const operation of Object.values<{ security: unknown }>(gateway.paths[path])) {
          assert.deepEqual(operation.security, [{ bearer: [] }], `${system}: ${path} needs a token`);
        }
      }
      assert.ok(Object.keys(gateway.paths).length > 3, `${system} exposes its API`);
    }
  });
});
