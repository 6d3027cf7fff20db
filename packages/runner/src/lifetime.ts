/**
 * The runner lives as long as whoever started it. `npm start` runs it under npm, and a process
 * manager or CI job stops npm with SIGTERM (or SIGKILL) — npm exits without passing the signal
 * on, and a runner that waited only for its own signals would be left behind with every service.
 * So the runner also stops when its parent changes (it was re-parented: the starter is gone), on
 * SIGHUP (the terminal closed), and on SIGINT/SIGTERM as before.
 */
const PPID_POLL_MS = 500;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface LifetimeOptions {
  /** Told why the runner is stopping, before `stop` runs. */
  readonly onStopping?: (why: string) => void;
}

/** Runs `stop` once when the starter goes away or a signal comes, then exits (0, or 1 on failure). */
export function stopWithStarter(stop: () => Promise<void>, options: LifetimeOptions = {}): void {
  let stopping = false;
  const end = (why: string) => {
    // A second signal while stopping: exit now. The services still stop: their channel closes.
    if (stopping) process.exit(1);
    stopping = true;
    clearInterval(poll);
    options.onStopping?.(why);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  for (const signal of SIGNALS) process.on(signal, () => end(signal));
  const starter = process.ppid;
  const poll = setInterval(() => {
    if (process.ppid !== starter) end(`its starter (pid ${starter}) is gone`);
  }, PPID_POLL_MS);
  poll.unref();
}
