/**
 * API fuzzing of a running system with schemathesis (PyPI): every service against its own
 * `/openapi.json` directly, and the system's public API through its gateway with a token of each
 * role. What counts as a failure: any 5xx, a status the document does not list, a body or
 * content type that does not match it, and invalid input that is accepted. The token endpoint is
 * left out (the fuzzer's wrong passwords would trip the login limits for the whole address; auth's
 * own tests cover it).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type SystemMap, servicePort } from './system-map.ts';

export const FUZZ_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'negative_data_rejection',
] as const;

/** Where `scripts/fuzz-tools.sh` installs schemathesis (a virtual environment of its own). */
export const SCHEMATHESIS = join(homedir(), '.cache', 'bounded-fuzz', 'venv', 'bin', 'schemathesis');

export interface FuzzTarget {
  /** `order` (direct) or `gateway as customer`. */
  readonly name: string;
  readonly schemaUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly exclude?: readonly string[];
}

export interface FuzzBudget {
  /** Test cases per operation and phase. */
  readonly maxExamples: number;
  /** A time budget per target, spent whole (schemathesis repeats fuzzing until it is over); none: the examples bound it. */
  readonly maxSeconds?: number;
  readonly seed: number;
  /** Reports (schemathesis JSON) go here, one per target. */
  readonly reportDir: string;
}

export interface FuzzOutcome {
  readonly target: string;
  readonly operations: number;
  readonly cases: number;
  readonly failures: ReadonlyArray<{ code: string; title: string; count: number; operations: string[] }>;
  readonly errors: number;
  readonly seconds: number;
  /** The tail of what schemathesis printed (its failures with `curl` to reproduce them). */
  readonly output: string;
}

/** The targets of one system launched at `gatewayUrl`: each service direct, then the gateway per role. */
export function fuzzTargets(
  system: SystemMap,
  gatewayUrl: string,
  tokensByRole: ReadonlyMap<string, string>,
): FuzzTarget[] {
  const direct = system.services.map((s) => ({
    name: `${s.name} (direct)`,
    schemaUrl: `http://127.0.0.1:${servicePort(system, s.name)}/openapi.json`,
    headers: {},
  }));
  const throughGateway = [...tokensByRole].map(([role, token]) => ({
    name: `gateway as ${role}`,
    schemaUrl: `${gatewayUrl}/openapi.json`,
    headers: { authorization: `Bearer ${token}` },
    exclude: ['/oauth/token'],
  }));
  return [...direct, ...throughGateway];
}

/** One schemathesis run against one target; resolves with what it found (never rejects on findings). */
export async function fuzz(target: FuzzTarget, budget: FuzzBudget, bin = SCHEMATHESIS): Promise<FuzzOutcome> {
  if (!existsSync(bin)) throw new Error(`no schemathesis at ${bin}: run bash scripts/fuzz-tools.sh`);
  mkdirSync(budget.reportDir, { recursive: true });
  const report = join(budget.reportDir, `${target.name.replace(/[^a-z0-9]+/gi, '-')}.json`);
  const args = [
    'run',
    target.schemaUrl,
    '--checks',
    FUZZ_CHECKS.join(','),
    '--max-examples',
    String(budget.maxExamples),
    ...(budget.maxSeconds ? ['--max-time', String(budget.maxSeconds)] : []),
    '--seed',
    String(budget.seed),
    '--workers',
    '1',
    '--request-timeout',
    '10',
    '--report',
    'json',
    '--report-json-path',
    report,
    ...Object.entries(target.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    ...(target.exclude ?? []).flatMap((path) => ['--exclude-path', path]),
  ];
  const started = Date.now();
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      bin,
      args,
      {
        maxBuffer: 64 * 1024 * 1024,
        timeout: ((budget.maxSeconds ?? 600) + 120) * 1000,
        env: quietEnv(),
        cwd: budget.reportDir, // its own cache folder (.schemathesis/) lands there, not in the tree
      },
      (error, stdout, stderr) => {
        // Exit 1 = findings (read from the report); anything else without a report is a broken run.
        if (error && !existsSync(report))
          reject(new Error(`schemathesis failed: ${stderr || error.message}`));
        else resolve(`${stdout}${stderr}`);
      },
    );
  });
  const json = JSON.parse(readFileSync(report, 'utf8'));
  return {
    target: target.name,
    operations: json.operations?.tested ?? 0,
    cases: json.test_cases?.generated ?? 0,
    failures: json.failures ?? [],
    errors: (json.errors ?? []).length,
    seconds: (Date.now() - started) / 1000,
    output: output.split('\n').slice(-120).join('\n'),
  };
}

function quietEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false', PYTHONUNBUFFERED: '1' };
}

/** One line per target for a person: operations, cases, findings. */
export function fuzzLine(outcome: FuzzOutcome): string {
  const found = outcome.failures.map((f) => `${f.code} ${f.title} ×${f.count}: ${f.operations.join(', ')}`);
  return `${outcome.target}: ${outcome.operations} operations, ${outcome.cases} cases, ${outcome.seconds.toFixed(1)} s — ${
    found.length === 0 && outcome.errors === 0
      ? 'no finding'
      : [...found, `${outcome.errors} errors`].join('; ')
  }`;
}

export interface SystemFuzz {
  readonly system: string;
  readonly outcomes: readonly FuzzOutcome[];
  /** The launched processes' last log lines, for a failing run. */
  readonly logs: readonly string[];
}

/**
 * Launches `map` behind its gateway at `basePort` (its own data, auth with the development
 * users), fuzzes every target one after another, and stops it. `users`: one user per role.
 */
export async function fuzzSystem(
  map: SystemMap,
  options: {
    basePort: number;
    users: ReadonlyMap<string, string>;
    budget: FuzzBudget;
    onOutcome?(o: FuzzOutcome): void;
  },
): Promise<SystemFuzz> {
  const { launchBehindGateway, passwordToken } = await import('./testing.ts');
  const launched = await launchBehindGateway(map, { basePort: options.basePort, users: [] });
  try {
    const tokens = new Map<string, string>();
    for (const [role, user] of options.users)
      tokens.set(role, await passwordToken(launched.gateway, user, map.name));
    const system = { ...map, basePort: options.basePort };
    const outcomes: FuzzOutcome[] = [];
    for (const target of fuzzTargets(system, launched.gateway, tokens)) {
      const outcome = await fuzz(target, {
        ...options.budget,
        reportDir: join(options.budget.reportDir, map.name),
      });
      options.onOutcome?.(outcome);
      outcomes.push(outcome);
    }
    return { system: map.name, outcomes, logs: [...launched.logs] };
  } finally {
    await launched.stop();
  }
}

/** One user per role that may sign in to `system`, from an auth config document (the dev set). */
export function usersByRole(
  config: {
    users?: ReadonlyArray<{ username: string; roles: readonly string[]; systems?: readonly string[] }>;
  },
  system: string,
): Map<string, string> {
  const users = new Map<string, string>();
  for (const user of config.users ?? []) {
    if (!(user.systems ?? ['*']).some((s) => s === '*' || s === system)) continue;
    for (const role of user.roles) if (!users.has(role)) users.set(role, user.username);
  }
  return users;
}
