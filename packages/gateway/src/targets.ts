/**
 * Where the replicas are, for the process entry: GATEWAY_TARGETS (inline JSON
 * `{"order": ["http://127.0.0.1:8081"], …}`) or GATEWAY_TARGETS_FILE, a JSON file of the same shape
 * that a supervisor rewrites as replicas become ready or go away; it is re-read when it changes.
 */
import { readFileSync, statSync } from 'node:fs';

export type TargetMap = Record<string, string[]>;

export function parseTargets(text: string, source: string): TargetMap {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${source} must be an object: {"<service>": ["http://host:port", …]}`);
  }
  const out: TargetMap = {};
  for (const [service, urls] of Object.entries(value)) {
    const list = typeof urls === 'string' ? [urls] : urls;
    if (!Array.isArray(list) || !list.every((u) => typeof u === 'string' && URL.canParse(u))) {
      throw new Error(`${source}: ${service} must list base URLs`);
    }
    out[service] = list;
  }
  return out;
}

/**
 * Targets read from a file, re-checked at most every `checkEveryMs` (by mtime) — and at once when
 * a service has none, so a replica that just became ready (the system starting, a rolling restart)
 * is never refused for up to `checkEveryMs`; a bad rewrite keeps the last good map.
 */
export function createFileTargets(path: string, checkEveryMs = 500): (service: string) => string[] {
  let map: TargetMap = parseTargets(readFileSync(path, 'utf8'), path);
  let mtime = statSync(path).mtimeMs;
  let checkedAt = Date.now();
  return (service) => {
    const now = Date.now();
    if (now - checkedAt >= checkEveryMs || !map[service]?.length) {
      checkedAt = now;
      try {
        const m = statSync(path).mtimeMs;
        if (m !== mtime) {
          map = parseTargets(readFileSync(path, 'utf8'), path);
          mtime = m;
        }
      } catch {
        // keep the last good map: a supervisor mid-rewrite must not empty the gateway
      }
    }
    return map[service] ?? [];
  };
}
