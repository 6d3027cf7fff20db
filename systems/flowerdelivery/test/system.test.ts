/** The flowerdelivery system as real processes on the embedded engines (SQLite files, embedded log). */
import { flowerdeliverySystemSuite } from './system-suite.ts';

flowerdeliverySystemSuite({ label: 'embedded log, SQLite', envOf: async () => ({}) });
