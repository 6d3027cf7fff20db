import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idBlockSuite } from './suite.ts';

idBlockSuite('SQLite', async () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'bounded-ids-')), 'ids.db')}`);
