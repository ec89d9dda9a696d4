// mysqlDialect.eachRow against the real server: rows are handed out one by one in the statement's order, and
// a handler that throws fails the call only after the rest of the result was read, leaving the pooled
// connection usable.
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlDialect } from '../src/dialect.js';
import { mysql } from '../src/index.js';

const connection = process.env.FERRY_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const source = mysql({ connection, pool: { min: 0, max: 1 } });
const reachable = source
  .db()
  .then(async (db) => {
    await db.query('SELECT 1');
    return db;
  })
  .catch((err: unknown) => {
    if (process.env.CI) throw err; // CI starts MariaDB: not reaching it is a failure there
    return undefined;
  });
const ROWS = 'SELECT seq FROM (SELECT 1 AS seq UNION ALL SELECT 2 UNION ALL SELECT 3) t ORDER BY seq';

afterAll(() => source.close?.());

describe('mysqlDialect.eachRow', () => {
  it('hands out the rows in order', async (test) => {
    const db = await reachable;
    if (!db) return test.skip();
    const seen: unknown[] = [];
    await mysqlDialect.eachRow!(db, ROWS, [], (row) => seen.push(Number(row.seq)));
    expect(seen).toEqual([1, 2, 3]);
  });

  it('rejects with the handler error after reading the rest, and the connection still works', async (test) => {
    const db = await reachable;
    if (!db) return test.skip();
    const seen: unknown[] = [];
    const failure = new Error('handler failed');
    await expect(
      mysqlDialect.eachRow!(db, ROWS, [], (row) => {
        seen.push(Number(row.seq));
        if (Number(row.seq) === 2) throw failure;
      }),
    ).rejects.toBe(failure);
    expect(seen).toEqual([1, 2]);
    // One connection in the pool: the next statement runs on the one the stream used.
    expect((await db.query('SELECT 7 AS n')).map((r) => Number(r.n))).toEqual([7]);
  });
});
