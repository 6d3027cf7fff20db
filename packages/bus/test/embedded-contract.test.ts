import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { busContract } from '../src/contract.ts';
import { createEmbeddedBus } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'bounded-bus-'));
busContract('embedded', async () => createEmbeddedBus({ dir }));
