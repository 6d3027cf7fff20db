/**
 * A NATS JetStream broker of the run's own (its port, its store under the run's data dir), for
 * `--bus nats`: the services reach it through BUS_URL, and the faults may kill it with SIGKILL and
 * start it again on the same store, as a broker crash and restart would. Kept apart from the
 * engine tier's shared server (engines/nats.sh), which other suites use at the same time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const BINARIES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

export interface Broker {
  readonly url: string;
  /** SIGKILL, then the same server again on the same store; resolves once it accepts connections. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startNatsBroker(port: number, dataDir: string): Promise<Broker> {
  const binary = BINARIES.find((path) => existsSync(path));
  if (!binary) throw new Error('--bus nats needs nats-server (engines/install.sh installs it)');
  const args = ['--addr', '127.0.0.1', '--port', String(port), '-js', '-sd', join(dataDir, 'nats')];
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(binary, args, { stdio: 'ignore' });
    await listening(port);
  };
  const kill = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    async restart() {
      await kill();
      await start();
    },
    stop: kill,
  };
}

async function listening(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) throw new Error(`nats-server on ${port} not up after ${timeoutMs} ms`);
    await sleep(50);
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
