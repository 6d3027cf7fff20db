/**
 * What the runner started, in `<dataDir>/runner-pids.json`, so the next start finds nothing
 * stale: a runner that ended by SIGKILL (or a crash) cannot clean up after itself, and a process
 * it left behind would hold its port — the new instance would then crash-loop on EADDRINUSE.
 * At start, a runner still alive on the same data directory is refused, left-over processes are
 * stopped (SIGTERM, then SIGKILL), and a port held by anything else is reported by number.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenRefusal } from '@bounded/kernel';

export interface RecordedProcess {
  readonly id: string;
  readonly pid: number;
  readonly port: number;
  /** Its bundle's path: a pid reused by an unrelated process does not name it, so it is not killed. */
  readonly bundle: string;
}

export interface PidRecord {
  readonly runner: { readonly pid: number; readonly command: string };
  readonly processes: readonly RecordedProcess[];
}

const FILE = 'runner-pids.json';
const STALE_GRACE_MS = 5000;

export class RunnerBusyError extends Error {
  readonly code = 'RUNNER.BUSY';
}

export function pidFilePath(dataDir: string): string {
  return join(dataDir, FILE);
}

export function writePidRecord(dataDir: string, processes: readonly RecordedProcess[]): void {
  const record: PidRecord = {
    runner: { pid: process.pid, command: commandLineOf(process.pid) ?? '' },
    processes,
  };
  mkdirSync(dataDir, { recursive: true });
  const path = pidFilePath(dataDir);
  writeFileSync(`${path}.tmp`, JSON.stringify(record));
  renameSync(`${path}.tmp`, path);
}

export function removePidRecord(dataDir: string): void {
  rmSync(pidFilePath(dataDir), { force: true });
}

/**
 * Before a start on `dataDir`: refuses if its runner still runs, stops what a dead one left.
 * Returns what it stopped (`id pid`), for the caller to report.
 */
export async function clearStale(dataDir: string): Promise<string[]> {
  const record = readRecord(dataDir);
  if (!record) return [];
  const { runner } = record;
  // The same command line under the recorded pid: that runner still runs (this very process, too,
  // if it launched on this data directory already). A reused pid runs something else.
  if (runner.command && commandLineOf(runner.pid) === runner.command) {
    throw new RunnerBusyError(
      `another runner (pid ${runner.pid}) is running on ${dataDir}: stop it first (kill ${runner.pid})`,
    );
  }
  const left = record.processes.filter((p) => commandLineOf(p.pid)?.includes(p.bundle));
  for (const p of left) signal(p.pid, 'SIGTERM');
  const deadline = Date.now() + STALE_GRACE_MS;
  while (left.some((p) => alive(p.pid)) && Date.now() < deadline) await sleep(50);
  for (const p of left) if (alive(p.pid)) signal(p.pid, 'SIGKILL');
  removePidRecord(dataDir);
  return left.map((p) => `${p.id} pid ${p.pid} (port ${p.port})`);
}

/** Throws naming every port of `ports` that something already listens on. */
export async function assertPortsFree(ports: readonly number[]): Promise<void> {
  const taken: number[] = [];
  for (const port of ports) if (await listenRefusal('127.0.0.1', port)) taken.push(port);
  if (taken.length > 0) {
    throw new RunnerBusyError(
      `port(s) ${taken.join(', ')} already in use: another \`npm start\`, or a process left over ` +
        `(find it with \`lsof -i :${taken[0]}\` or \`ss -ltnp | grep ${taken[0]}\`)`,
    );
  }
}

function readRecord(dataDir: string): PidRecord | undefined {
  try {
    return JSON.parse(readFileSync(pidFilePath(dataDir), 'utf8')) as PidRecord;
  } catch {
    return undefined; // none, or half-written by a runner killed mid-write: nothing to go on
  }
}

/** The process's command line, or undefined when it does not exist. */
export function commandLineOf(pid: number): string | undefined {
  try {
    // A zombie's is empty: gone, for our purpose.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim() || undefined;
  } catch {
    if (process.platform === 'linux') return undefined;
  }
  try {
    // No /proc (macOS): ps prints the same.
    return (
      execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return commandLineOf(pid) !== undefined;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
