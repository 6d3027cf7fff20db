import type { Ledger, Outcome, Random, Verdict } from './scenario.ts';

export class MemoryLedger implements Ledger {
  readonly outcomes: Outcome[] = [];

  record(outcome: Outcome): void {
    this.outcomes.push(outcome);
  }

  of(kind: string, verdict?: Verdict): Outcome[] {
    return this.outcomes.filter((o) => o.kind === kind && (verdict === undefined || o.verdict === verdict));
  }

  subjects(kind: string, verdict?: Verdict): Set<number> {
    const ids = this.of(kind, verdict)
      .map((o) => o.subject)
      .filter((id): id is number => id !== undefined);
    return new Set(ids);
  }
}

/** 2xx promised the effect, 4xx refused it, anything else leaves it open. */
export function verdictOf(status: number): Verdict {
  if (status >= 200 && status < 300) return 'accepted';
  if (status >= 400 && status < 500) return 'refused';
  return 'uncertain';
}

/** A seeded generator (mulberry32), so a run's choices can be repeated with --seed. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    pick: (items) => (items.length === 0 ? undefined : items[Math.floor(next() * items.length)]),
    weighted(weights) {
      const entries = Object.entries(weights) as Array<[keyof typeof weights, number]>;
      let roll = next() * entries.reduce((sum, [, w]) => sum + w, 0);
      for (const [key, weight] of entries) {
        roll -= weight;
        if (roll < 0) return key;
      }
      return entries[entries.length - 1][0];
    },
  };
}
