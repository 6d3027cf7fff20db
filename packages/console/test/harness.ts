/**
 * Starts flowerdelivery with the console under the runner, on a port block of its own (so the
 * test runs beside a developer's `npm start`), and drives headless Chromium (Debian's package)
 * with playwright-core.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Launched, launch, platformProcesses, type SystemMap } from '@bounded/runner';
import { type Browser, chromium } from 'playwright-core';
import { system as flowerdelivery } from '../../../systems/flowerdelivery/system.ts';

export const SCREENSHOTS = join(import.meta.dirname, '..', '..', '..', '.tmp', 'console-screenshots');

export interface Harness {
  readonly launched: Launched;
  readonly consoleUrl: string;
  readonly system: SystemMap;
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function startFlowerdelivery(block: number): Promise<Harness> {
  const system: SystemMap = { ...flowerdelivery, basePort: block };
  const dataDir = mkdtempSync(join(tmpdir(), 'bounded-console-'));
  const start = () =>
    launch({
      systems: [system],
      dataDir,
      controlPort: block - 3,
      logLevel: 'warn',
      sink: () => {},
      platform: platformProcesses({ authPort: block - 10 }),
      console: true,
    });
  // A machine busy enough that a process is not ready within the runner's 30 s gets one more try.
  const launched = await start().catch(async (error: Error) => {
    console.error(`launch failed (${error.message}); trying once more`);
    await sleep(2000);
    return start();
  });
  return {
    launched,
    consoleUrl: `${launched.controlUrl}/`,
    system,
    dataDir,
    close: async () => {
      await launched.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium, as the probe found it works here: headless, no background networking. */
export async function openBrowser(): Promise<Browser> {
  const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!executablePath) throw new Error('chromium is not installed: apt-get install -y chromium');
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

/** Polls until `check` returns something truthy (a busy 2-core machine: generous by default). */
export async function until<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 60_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
