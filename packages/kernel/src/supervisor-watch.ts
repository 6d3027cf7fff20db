/**
 * A process the runner started stops when the runner is gone, however it went (kill -9
 * included): an orphan would keep its port and its half of the work. The runner spawns its
 * processes with an IPC channel, which the kernel closes when the runner dies; the parent pid
 * changing (re-parented to init or a subreaper) is the backstop, for a channel whose other end
 * another process happens to hold. A process started any other way (Kubernetes, a shell) has no
 * channel and is not watched: its lifetime is its own.
 */
const PPID_POLL_MS = 500;

/** Calls `onGone` once when the supervising parent is gone; returns a function that stops watching. */
export function watchSupervisor(onGone: (why: string) => void): () => void {
  const channel = process.channel;
  if (!channel) return () => {};
  let fired = false;
  const gone = (why: string) => {
    if (fired) return;
    fired = true;
    stop();
    onGone(why);
  };
  const onDisconnect = () => gone('supervisor channel closed');
  process.once('disconnect', onDisconnect);
  // The channel must not keep a process alive that has nothing else to do.
  channel.unref();
  const parent = process.ppid;
  const poll = setInterval(() => {
    if (process.ppid !== parent) gone(`parent ${parent} gone`);
  }, PPID_POLL_MS);
  poll.unref();
  const stop = () => {
    clearInterval(poll);
    process.off('disconnect', onDisconnect);
  };
  return stop;
}
