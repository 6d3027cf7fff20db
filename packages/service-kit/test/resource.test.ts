import { tempDir } from '../src/testing/index.ts';
import { resourceSuite } from './resource-suite.ts';

resourceSuite('SQLite', async () => ({ DATA_DIR: tempDir('bounded-resource-') }));
