// The databases the hub suite runs against. PostgreSQL is probed once; without it the PostgreSQL run is
// skipped with instructions, except in CI (CI=true), where a missing database is a failure.
import pg from 'pg';

/** Where PostgreSQL is expected: FERRY_TEST_PG_URL, else the local cluster's `test` database. */
export const PG_URLS = process.env.FERRY_TEST_PG_URL
  ? [process.env.FERRY_TEST_PG_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

/** The first PostgreSQL URL that accepts a connection, or undefined. */
export async function reachablePostgres(): Promise<string | undefined> {
  for (const url of PG_URLS) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return url;
    } catch {
      // try the next one
    } finally {
      await client.end().catch(() => {});
    }
  }
  return undefined;
}

const START_POSTGRES =
  'Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

export const POSTGRES_HELP = `PostgreSQL is not reachable on 127.0.0.1:5432 (database "test"); the PostgreSQL run of the hub suite is skipped. ${START_POSTGRES}`;

/** The failure in CI, where a missing PostgreSQL must not pass as a skipped suite. */
export const POSTGRES_REQUIRED = `CI is set, so the hub suite must run on PostgreSQL, but 127.0.0.1:5432 (database "test") is not reachable. ${START_POSTGRES}`;

/** Drops a schema the hub created for a test run. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
