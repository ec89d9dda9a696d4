// The hub suite on PostgreSQL (a unique schema in the `test` database, dropped afterwards). Without a reachable
// server the suite is skipped with instructions, unless CI is set: then it fails.
import { describe, it } from 'vitest';
import { hubSuite } from './suite/index.js';
import { POSTGRES_HELP, POSTGRES_REQUIRED, reachablePostgres } from './support/databases.js';

const url = await reachablePostgres();
if (!url && process.env.CI) throw new Error(POSTGRES_REQUIRED);
if (url) {
  hubSuite('PostgreSQL', () => ({ kind: 'postgres', url }));
} else {
  console.warn(POSTGRES_HELP);
  describe.skip('hub on PostgreSQL', () => {
    it(POSTGRES_HELP, () => {});
  });
}
