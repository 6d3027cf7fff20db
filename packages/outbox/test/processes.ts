import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface Child {
  readonly process: ChildProcess;
  readonly output: string[];
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill9(): Promise<void>;
  terminate(): Promise<string[]>;
}

/** Starts a fixture script as a real process (node + tsx), collecting its stdout lines. */
export function startFixture(name: string, args: string[]): Child {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'fixtures', name), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const output: string[] = [];
  const listeners = new Set<() => void>();
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    output.push(...lines);
    for (const listener of listeners) listener();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    output,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = output.find((l) => pattern.test(l));
          if (line === undefined) return false;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(line);
          return true;
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`${name}: no line matching ${pattern} within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) listeners.add(check);
      });
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async terminate() {
      child.kill('SIGTERM');
      await exited;
      return output;
    },
  };
}
