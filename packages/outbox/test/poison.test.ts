import { join } from 'node:path';
import { poisonSuite } from './poison-suite.ts';

poisonSuite('SQLite', async (dir) => `sqlite:${join(dir, 'store.db')}`);
