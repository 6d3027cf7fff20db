/**
 * The shutdown timer's own backstop. The timer is JavaScript on the main thread: if that thread
 * is stuck in a synchronous call (a blocking write to a full pipe, an exit handler that flushes
 * one), it never fires. A worker thread has its own event loop, so it can still end the process.
 */
import { Worker } from 'node:worker_threads';

const SOURCE = `
const { workerData } = require('node:worker_threads');
setTimeout(() => process.kill(workerData.pid, 'SIGKILL'), workerData.ms);
`;

/** SIGKILLs this process after `ms`, unless it has exited by then. */
export function killSelfAfter(ms: number): void {
  const worker = new Worker(SOURCE, { eval: true, workerData: { pid: process.pid, ms } });
  // It must not be what keeps a process alive that is otherwise done.
  worker.unref();
}
