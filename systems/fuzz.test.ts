// The fuzz tier, bounded for CI: every service of every system fuzzed by schemathesis against its
// own /openapi.json, and each system's public API through its gateway with a token of each role
// (`npm run fuzz` is the longer run). One 5xx, undocumented status, off-document body or
// accepted bad input fails it, with schemathesis's reproduction (curl) in the message.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { devConfig } from '@bounded/auth';
import { fuzzLine, fuzzSystem, usersByRole } from '@bounded/runner/fuzz';
import { tempDir } from '@bounded/service-kit/testing';

const root = join(import.meta.dirname, '..');
const systems = readdirSync(import.meta.dirname, { withFileTypes: true })
  .filter((d) => d.isDirectory() && readdirSync(join(import.meta.dirname, d.name)).includes('system.ts'))
  .map((d) => d.name);

describe('fuzzing every system (schemathesis, bounded)', () => {
  before(() => execFileSync('bash', [join(root, 'scripts', 'fuzz-tools.sh')], { stdio: 'inherit' }));
  const reportDir = tempDir('bounded-fuzz-');

  for (const name of systems) {
    it(`${name}: no finding directly or through the gateway`, { timeout: 600_000 }, async () => {
      const { system } = await import(join(import.meta.dirname, name, 'system.ts'));
      const users = usersByRole(devConfig(), name);
      const result = await fuzzSystem(system, {
        basePort: 39100,
        users,
        budget: { maxExamples: 5, seed: 1, reportDir },
      });
      assert.equal(result.outcomes.length, system.services.length + users.size, 'every service and role');
      for (const outcome of result.outcomes) {
        assert.ok(outcome.operations > 0 && outcome.cases > 0, `${outcome.target} was fuzzed`);
        assert.ok(
          outcome.failures.length === 0 && outcome.errors === 0,
          `${name}: ${fuzzLine(outcome)}\n${outcome.output}`,
        );
      }
      const gateway = result.outcomes.find((o) => o.target.startsWith('gateway'))!;
      const ownOperations = result.outcomes
        .filter((o) => !o.target.startsWith('gateway'))
        .reduce((n, o) => n + o.operations, 0);
      assert.ok(
        gateway.operations > 0 && gateway.operations <= ownOperations,
        'the gateway exposes a part of it',
      );
    });
  }
});
