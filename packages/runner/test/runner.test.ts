import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { bundle } from '@bounded/bundle';
import { controlApp, Supervisor } from '../src/index.ts';

const ID = 'runnertest/echo';
const BASE = 18_700;

describe('the supervisor (real processes)', () => {
  let supervisor: Supervisor;
  const control = { app: undefined as ReturnType<typeof controlApp> | undefined, port: 0 };

  before(async () => {
    const echo = await bundle(join(import.meta.dirname, 'fixtures', 'echo.ts'), 'runner-test-echo');
    supervisor = new Supervisor({ sink: () => {}, drainMs: 300 });
    supervisor.add({
      spec: {
        id: ID,
        bundle: echo,
        env: {
          DATA_DIR: mkdtempSync(join(tmpdir(), 'bounded-runner-')),
          LOG_LEVEL: 'warn',
          TEST_HOOKS: 'true',
        },
      },
      port: BASE + 1,
      sparePorts: () => Array.from({ length: 20 }, (_, i) => BASE + 50 + i),
    });
    await supervisor.start(ID);
    control.app = controlApp(supervisor, () => [{ system: 'runnertest', url: `http://127.0.0.1:${BASE}` }]);
    await control.app.listen({ host: '127.0.0.1', port: 0 });
    control.port = (control.app.server.address() as { port: number }).port;
  });
  after(async () => {
    await control.app?.close();
    await supervisor.shutdown();
  });

  const only = () => supervisor.status().filter((i) => i.id === ID);

  it('brings a process killed with -9 back, ready, within 5 s, and counts the restart', async () => {
    const [before] = only();
    process.kill(before.pid!, 'SIGKILL');
    const killedAt = Date.now();
    await waitUntil(() => only()[0].ready && only()[0].pid !== before.pid, 5000, 'back and ready');
    assert.ok(Date.now() - killedAt < 5000);
    assert.equal(only()[0].restarts, before.restarts + 1);
  });

  it('kills and restarts a process whose liveness keeps failing', async () => {
    const [before] = only();
    const response = await fetch(`${before.url}/admin/test/unhealthy`, { method: 'POST' });
    assert.equal(response.status, 200);
    await waitUntil(
      () => only()[0].pid !== before.pid && only()[0].ready,
      15_000,
      'restarted after failed liveness',
    );
    assert.equal(only()[0].restarts, before.restarts + 1);
  });

  it('scales out and in; the targets are the ready replicas', async () => {
    await supervisor.scale(ID, 3);
    assert.equal(supervisor.targets(ID).length, 3);
    const pids = new Set(
      await Promise.all(
        supervisor.targets(ID).map(async (url) => (await (await fetch(`${url}/whoami`)).json()).pid),
      ),
    );
    assert.equal(pids.size, 3, 'three processes answer');
    await supervisor.scale(ID, 1);
    assert.equal(only().length, 1);
    assert.equal(supervisor.targets(ID).length, 1);
  });

  it('restarts rolling: clients following the targets see no failed request', async () => {
    const before = only().map((i) => i.pid);
    let ok = 0;
    const failures: string[] = [];
    let running = true;
    const clients = Array.from({ length: 10 }, async (_, n) => {
      for (let i = 0; running; i++) {
        const targets = supervisor.targets(ID);
        const url = targets[(n + i) % targets.length];
        try {
          const response = await fetch(`${url}/whoami`);
          if (response.ok) ok++;
          else failures.push(`${response.status}`);
          await response.body?.cancel();
        } catch (error) {
          failures.push(String((error as Error).cause ?? error));
        }
      }
    });
    await sleep(200);
    await supervisor.restart(ID);
    await sleep(300);
    running = false;
    await Promise.all(clients);
    assert.deepEqual(failures, [], 'every request succeeded during the rolling restart');
    assert.ok(ok > 50, `requests flowed (${ok})`);
    assert.ok(!before.includes(only()[0].pid), 'a new process serves now');
  });

  it('answers the CLI: status --json, stop and start', async () => {
    const cli = join(import.meta.dirname, '..', 'bin', 'bounded.mjs');
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, [cli, ...args], {
        env: { ...process.env, BOUNDED_CONTROL_PORT: String(control.port) },
      });
    const status = JSON.parse((await run('status', '--json')).stdout);
    assert.equal(status.gateways[0].system, 'runnertest');
    assert.equal(status.instances[0].id, ID);
    assert.equal(status.instances[0].ready, true);
    await run('stop', ID);
    assert.equal(only().length, 0);
    await run('start', ID);
    assert.equal(only()[0].ready, true);
    const table = (await run('status')).stdout;
    assert.match(table, /runnertest\/echo#\d+\s+\d+\s+\d+\s+ready\s+yes/);
    await assert.rejects(run('stop', 'runnertest/nope'), /no process runnertest\/nope/);
  });
});

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(50);
  }
}
