/**
 * What a system declares for the chaos tier (systems/<system>/chaos.ts): who its clients are,
 * which commands they send, and the invariants its databases must satisfy once quiet. The
 * driver (run.ts) knows no system: it launches the map, runs the clients, kills instances, waits
 * for quiet and applies the declaration. A system added later needs only its own chaos.ts.
 */

// biome-ignore lint/suspicious/noExplicitAny: HAL bodies and SQLite rows, read field by field
export type Json = Record<string, any>;

/** Why a command's effect can be counted on, or not. */
export type Verdict =
  /** 2xx: the system promised the effect; it must exist exactly once at the end. */
  | 'accepted'
  /** 4xx: refused; no effect may exist. */
  | 'refused'
  /** 5xx, a timeout, a cut connection: the effect may or may not exist, but never half. */
  | 'uncertain';

/** One command a client sent (reads are not commands), as the invariants see it. */
export interface Outcome {
  /** The scenario's name for it: `order`, `cancel`, `accept` … */
  readonly kind: string;
  /** What it acted on or created: the id in the path, else the `id` of the answer's body. */
  readonly subject: number | undefined;
  /** The command created its subject (it named none; the id is the answer's). */
  readonly created: boolean;
  readonly who: string;
  readonly status: number;
  readonly verdict: Verdict;
  readonly body: Json | undefined;
}

export interface Command {
  readonly kind: string;
  readonly who: string;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  /** The entity acted on (a cancel's order id); absent for a create (taken from the answer). */
  readonly subject?: number;
}

/** What a client step may do: send commands (recorded), read (not recorded), pick at random. */
export interface ChaosClient {
  send(command: Command): Promise<Outcome>;
  /** A GET through the gateway as `who`; undefined unless it answered 200. */
  read(who: string, path: string): Promise<Json | undefined>;
  readonly random: Random;
  readonly ledger: Ledger;
}

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** One of `items` (undefined when there are none). */
  pick<T>(items: readonly T[]): T | undefined;
  /** A key of `weights`, chosen in proportion to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
}

/** Every command sent so far, with its verdict. */
export interface Ledger {
  readonly outcomes: readonly Outcome[];
  /** Outcomes of one kind, optionally of one verdict. */
  of(kind: string, verdict?: Verdict): Outcome[];
  /** Subjects of one kind and verdict (a set: a subject acted on twice appears once). */
  subjects(kind: string, verdict?: Verdict): Set<number>;
}

/** Read-only access to every service's own database (the SQLite files of the run). */
export interface Databases {
  /** Rows of `sql` run against `service`'s database. */
  all(service: string, sql: string, ...params: unknown[]): Json[];
}

export type ViolationKind =
  /** An accepted command, or an effect it promised, is missing. */
  | 'lost'
  /** An effect exists more than once (or more effects than commands could have made). */
  | 'doubled'
  /** A view differs from its sources. */
  | 'view'
  /** A saga stopped half-way: one side done, the other neither done nor compensated. */
  | 'saga';

export interface Violation {
  readonly kind: ViolationKind;
  readonly detail: string;
}

export interface ChaosScenario {
  /** Development users whose tokens the clients use (password = username). */
  readonly users: readonly string[];
  /** One client step: usually one command. Called in a loop by each client until time is up. */
  step(client: ChaosClient): Promise<void>;
  /** Every invariant, checked against the databases once the system is quiet. */
  check(db: Databases, ledger: Ledger): Violation[];
}

/** The ids of `rows` that appear more than once in `column`, with their counts. */
export function repeated(rows: readonly Json[], column: string): Map<unknown, number> {
  const counts = new Map<unknown, number>();
  for (const row of rows) counts.set(row[column], (counts.get(row[column]) ?? 0) + 1);
  return new Map([...counts].filter(([, n]) => n > 1));
}

/** `rows` indexed by `column` (the last row wins: check uniqueness with `repeated` first). */
export function byColumn(rows: readonly Json[], column: string): Map<unknown, Json> {
  return new Map(rows.map((row) => [row[column], row]));
}

/** Collects violations with short constructors, for the systems' `check`. */
export class Findings {
  readonly list: Violation[] = [];

  add(kind: ViolationKind, detail: string): void {
    this.list.push({ kind, detail });
  }

  /** One `doubled` per value of `column` that more than one row holds. */
  unique(what: string, rows: readonly Json[], column: string): void {
    for (const [value, n] of repeated(rows, column))
      this.add('doubled', `${what}: ${n} rows for ${column}=${value}`);
  }

  /** More rows saved than `kind` commands tried (answered 2xx, or in doubt) is one done twice. */
  notMoreThanTried(
    ledger: Ledger,
    kind: string,
    saved: readonly Json[],
    what: { saved: string; tried: string },
  ): void {
    const tried = ledger.of(kind, 'accepted').length + ledger.of(kind, 'uncertain').length;
    if (saved.length > tried) this.add('doubled', `${saved.length} ${what.saved} for ${tried} ${what.tried}`);
  }

  /** One `lost` per `kind` command answered 2xx whose subject's row does not show its effect. */
  effects(ledger: Ledger, ...checks: EffectCheck[]): void {
    for (const c of checks)
      for (const id of ledger.subjects(c.kind, 'accepted')) {
        const row = c.rows.get(id);
        if (!c.field) {
          if (!row)
            this.add('lost', `${c.what} ${id} was answered ${c.answered} but ${c.missing ?? 'is not saved'}`);
        } else if (!(c.states ?? []).includes(row?.[c.field]))
          this.add('lost', `${c.what} ${id} was answered ${c.answered} but ${c.row} is ${row?.[c.field]}`);
      }
  }
}

/**
 * What a command answered 2xx must have left: its subject's row (keyed by the command's subject),
 * and, when `field` is given, that field in one of `states`.
 */
export interface EffectCheck {
  readonly kind: string;
  readonly rows: ReadonlyMap<unknown, Json>;
  /** How the message names the command: `cancel of order`. */
  readonly what: string;
  /** The status the client was answered (for the message). */
  readonly answered: number;
  readonly field?: string;
  readonly states?: readonly unknown[];
  /** How the message names the row: `the order`. */
  readonly row?: string;
  /** Said when the row is missing (default `is not saved`). */
  readonly missing?: string;
}
