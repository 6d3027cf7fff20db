// npm run fuzz [-- <system> …] [--examples N] [--seconds S] [--seed K] — API fuzzing with
// schemathesis (installed by scripts/fuzz-tools.sh when missing): each system launched behind its
// gateway on a port block of its own, every service fuzzed against its /openapi.json directly and
// the public API through the gateway with a token of each role. Failures: a 5xx, an undocumented
// status, a body or content type off the document, bad input accepted. Reports in .tmp/fuzz/.
// Last line: one JSON object. Exit 1 on any finding.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { devConfig } from '@bounded/auth';
import type { SystemMap } from '@bounded/runner';
import { fuzzLine, fuzzSystem, usersByRole } from '@bounded/runner/fuzz';

const root = join(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    examples: { type: 'string', default: '50' },
    seconds: { type: 'string' }, // a time budget per target, spent whole; none: --examples bounds it
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    'base-port': { type: 'string', default: '19400' },
  },
});
execFileSync('bash', [join(root, 'scripts', 'fuzz-tools.sh')], { stdio: 'inherit' });
const systems = readdirSync(join(root, 'systems')).filter(
  (name) =>
    existsSync(join(root, 'systems', name, 'system.ts')) &&
    (positionals.length === 0 || positionals.includes(name)),
);
const budget = {
  maxExamples: Number(values.examples),
  ...(values.seconds ? { maxSeconds: Number(values.seconds) } : {}),
  seed: Number(values.seed),
  reportDir: join(root, '.tmp', 'fuzz'),
};
const summary: Record<string, { targets: number; operations: number; cases: number; findings: number }> = {};
for (const name of systems) {
  const { system } = (await import(join(root, 'systems', name, 'system.ts'))) as { system: SystemMap };
  console.log(`${name}: launching behind its gateway`);
  const result = await fuzzSystem(system, {
    basePort: Number(values['base-port']),
    users: usersByRole(devConfig(), name),
    budget,
    onOutcome: (outcome) => {
      console.log(`  ${fuzzLine(outcome)}`);
      if (outcome.failures.length > 0 || outcome.errors > 0) console.log(outcome.output);
    },
  });
  summary[name] = {
    targets: result.outcomes.length,
    operations: result.outcomes.reduce((n, o) => n + o.operations, 0),
    cases: result.outcomes.reduce((n, o) => n + o.cases, 0),
    findings: result.outcomes.reduce((n, o) => n + o.failures.length + o.errors, 0),
  };
}
const findings = Object.values(summary).reduce((n, s) => n + s.findings, 0);
console.log(
  JSON.stringify({ seed: budget.seed, maxExamples: budget.maxExamples, systems: summary, findings }),
);
process.exit(findings > 0 ? 1 : 0);
