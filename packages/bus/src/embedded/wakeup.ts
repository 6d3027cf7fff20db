import { closeSync, type FSWatcher, openSync, watch, writeSync } from 'node:fs';
import { join } from 'node:path';

const SIGNAL = Buffer.from('1');
/** Each signal is a write that wakes every watcher; under load, one per window is enough. */
const COALESCE_MS = 2;

/**
 * A cross-process signal on one file of a folder: `signal()` rewrites a byte of the file, and
 * every process watching the folder (inotify) is notified — no polling while nothing happens.
 * The log uses one to wake idle readers after an append commits, group membership another.
 * A slow fallback timer in the reader covers the rare lost notification; `generation` lets a
 * reader detect a signal that raced its empty read.
 */
export class Wakeup {
  #generation = 0;
  #waiters = new Set<() => void>();
  #listeners = new Set<() => void>();
  #watcher: FSWatcher;
  #fd: number;
  #signalledAt = 0;
  #trailing: NodeJS.Timeout | undefined;

  constructor(dir: string, fileName: string) {
    const path = join(dir, fileName);
    closeSync(openSync(path, 'a'));
    this.#fd = openSync(path, 'r+');
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

  /**
   * Tells every watcher of this file, in any process, that something happened. One byte
   * rewritten in place through a descriptor kept open: a single pwrite, no open/close.
   */
  signal(): void {
    const now = Date.now();
    if (now - this.#signalledAt >= COALESCE_MS) {
      this.#signalledAt = now;
      writeSync(this.#fd, SIGNAL, 0, 1, 0);
    } else if (!this.#trailing) {
      // A burst of appends: one more signal at the end of the window covers all of them.
      this.#trailing = setTimeout(() => {
        this.#trailing = undefined;
        this.#signalledAt = Date.now();
        writeSync(this.#fd, SIGNAL, 0, 1, 0);
      }, COALESCE_MS);
    }
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
    if (this.#trailing) {
      clearTimeout(this.#trailing);
      writeSync(this.#fd, SIGNAL, 0, 1, 0);
    }
    this.#watcher.close();
    closeSync(this.#fd);
    this.notify();
  }
}
