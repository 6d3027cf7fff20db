/**
 * The faults: SIGKILL of a random ready instance of one of the system's services, at random
 * moments, until the run's end. The supervisor restarts a killed instance as it would any crash
 * (the gateway and auth are left alone: they hold no state of the system's). With a broker of the
 * run's own, that too is killed and started again now and then.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Supervisor, SystemMap } from '../index.ts';
import type { Random } from './scenario.ts';

export async function killRandomInstances(
  supervisor: Supervisor,
  system: SystemMap,
  options: { until: number; meanSeconds: number; random: Random; note: (line: string) => void },
): Promise<number> {
  if (options.meanSeconds <= 0) {
    await sleep(Math.max(0, options.until - Date.now()));
    return 0;
  }
  const services = new Set(system.services.map((s) => `${system.name}/${s.name}`));
  let kills = 0;
  for (;;) {
    const wait = options.meanSeconds * 1000 * (0.5 + options.random.next());
    if (Date.now() + wait >= options.until) break;
    await sleep(wait);
    const victim = options.random.pick(
      supervisor.status().filter((i) => services.has(i.id) && i.ready && i.pid !== null),
    );
    if (!victim?.pid) continue;
    try {
      process.kill(victim.pid, 'SIGKILL');
      kills++;
      options.note(`kill -9 ${victim.id}#${victim.replica} (pid ${victim.pid})`);
    } catch {
      // It died on its own between the look and the kill.
    }
  }
  await sleep(Math.max(0, options.until - Date.now()));
  return kills;
}

/** Restarts the run's broker (SIGKILL, then start on the same store) at random moments. */
export async function restartAtRandom(
  broker: { restart(): Promise<void> },
  options: { until: number; meanSeconds: number; random: Random; note: (line: string) => void },
): Promise<number> {
  let restarts = 0;
  while (options.meanSeconds > 0) {
    const wait = options.meanSeconds * 1000 * (0.5 + options.random.next());
    if (Date.now() + wait >= options.until) break;
    await sleep(wait);
    await broker.restart();
    restarts++;
    options.note('kill -9 of the broker; started again');
  }
  await sleep(Math.max(0, options.until - Date.now()));
  return restarts;
}
