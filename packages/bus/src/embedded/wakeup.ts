import { type FSWatcher, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Wakes idle consumers when another process appends to the log, through inotify on the
 * log's directory: no polling while nothing happens. A slow fallback timer covers the rare
 * lost notification. `generation` lets a reader detect an append that raced its empty read.
 */
export class Wakeup {
  #generation = 0;
  #waiters = new Set<() => void>();
  #listeners = new Set<() => void>();
  #watcher: FSWatcher;

  constructor(dir: string, fileName: string) {
    this.#watcher = watch(dir, { persistent: false }, (_event, changed) => {
      if (changed === null || changed === fileName) this.notify();
    });
    this.#watcher.on('error', () => this.notify());
  }

  get generation(): number {
    return this.#generation;
  }

  notify(): void {
    this.#generation++;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
    for (const listener of this.#listeners) listener();
  }

  /** Calls `listener` on every notification until the returned function is called. */
  listen(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Tells every watcher of this folder, in any process, that `fileName` changed. */
  static touch(dir: string, fileName: string): void {
    writeFileSync(join(dir, fileName), String(Date.now()));
  }

  /** Resolves on the next notification after `seen`, or after `timeoutMs`. */
  wait(seen: number, timeoutMs: number): Promise<void> {
    if (seen !== this.#generation) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#waiters.add(done);
    });
  }

  close(): void {
    this.#watcher.close();
    this.notify();
  }
}
