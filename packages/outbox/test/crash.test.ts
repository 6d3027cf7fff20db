import { join } from 'node:path';
import { crashSuite } from './crash-suite.ts';

crashSuite('SQLite', async (dir, name) => `sqlite:${join(dir, `${name}.db`)}`);
