/**
 * Twelve-factor configuration: one TypeBox schema per service, read once in the composition root.
 * Env values are strings, so they are coerced against the schema before being checked; a service
 * that starts is a service whose whole config is valid.
 */
import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
import { Value, type ValueError } from '@sinclair/typebox/value';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const baseConfigSchema = Type.Object({
  SERVICE_NAME: Type.String({ minLength: 1 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  // 0 lets the OS pick a free port: tests and the local runner start many services at once.
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 0 }),
  LOG_LEVEL: Type.Union(
    LOG_LEVELS.map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  DATA_DIR: Type.String({ default: './data' }),
  DATABASE_URL: Type.Optional(Type.String()),
  BUS_URL: Type.Optional(Type.String()),
  // The system's topic under another name (default: the system's name), e.g. to run two copies
  // of a system on one shared Kafka cluster, or a test run on a fresh topic.
  BUS_TOPIC: Type.Optional(Type.String({ minLength: 1, pattern: '^[A-Za-z0-9._-]+$' })),
  // Test hooks (e.g. failing liveness on demand) exist only when asked for, never by default.
  TEST_HOOKS: Type.Boolean({ default: false }),
});

export type BaseConfig = Static<typeof baseConfigSchema>;

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** Lists every bad variable at once, so one failed start is enough to fix the whole env. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    super(`Invalid configuration: ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
    this.issues = issues;
  }
}

export function extendConfig<T extends TObject>(extra: T) {
  return Type.Composite([baseConfigSchema, extra]);
}

export function loadConfig<S extends TObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Static<S> {
  // Only the schema's own keys: the result must not drag the whole process env along.
  // An empty value counts as unset, because `PORT=` in an env file means "use the default".
  const raw: Record<string, string> = {};
  for (const key of Object.keys(schema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  // Convert works in place; keep `raw` intact to compare against.
  const converted = Value.Convert(schema, { ...raw }) as Record<string, unknown>;
  for (const [key, text] of Object.entries(raw)) {
    // Value.Convert is lenient where config must not be: it reads "1.5" as the integer 1 and
    // "true" as the number 1. Keep such text as is, so the check below reports it.
    if (!isNumericTextFor(schema.properties[key], text)) converted[key] = text;
  }
  const value = Value.Default(schema, converted);
  if (Value.Check(schema, value)) return value as Static<S>;
  throw new ConfigError(collectIssues(schema, value));
}

function isNumericTextFor(schema: TSchema, text: string): boolean {
  if (schema.type === 'integer') return /^[+-]?\d+$/.test(text.trim());
  if (schema.type === 'number') return text.trim() !== '' && Number.isFinite(Number(text));
  return true;
}

function collectIssues(schema: TSchema, value: unknown): ConfigIssue[] {
  // TypeBox can report several errors per variable (e.g. "required" then "expected string");
  // the first one is the cause, the rest are its echoes.
  const byVariable = new Map<string, string>();
  for (const error of Value.Errors(schema, value)) {
    const variable = error.path.replace(/^\//, '').replaceAll('/', '.') || '(root)';
    if (!byVariable.has(variable)) byVariable.set(variable, describe(error));
  }
  return [...byVariable].map(([variable, message]) => ({ variable, message }));
}

function describe(error: ValueError): string {
  if (error.value === undefined) return 'is required';
  const allowed = literalChoices(error.schema);
  const got = JSON.stringify(error.value);
  if (allowed) return `must be one of ${allowed.join(', ')} (got ${got})`;
  // Values are echoed for non-string schemas only: a bad DATABASE_URL may hold a password.
  const shown = typeof error.value === 'string' && error.schema.type === 'string' ? '' : ` (got ${got})`;
  return `${error.message}${shown}`;
}

function literalChoices(schema: TSchema): string[] | undefined {
  const anyOf = (schema as { anyOf?: TSchema[] }).anyOf;
  if (!Array.isArray(anyOf) || !anyOf.every((s) => 'const' in s)) return undefined;
  return anyOf.map((s) => String(s.const));
}
