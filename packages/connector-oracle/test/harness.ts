// A recording SqlDb: every statement and its bindings are kept, answers come from a script. Used to test
// the SQL each strategy generates and its logic without a server (real servers run in conformance.test.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CaptureTable,
  type RawRow,
  resolveTable,
  type SourceTable,
  type SqlDb,
  type SqlDialect,
  type StrategyContext,
} from '@ferry/sdk/connector';
import { expect } from 'vitest';

export interface Recorded {
  sql: string;
  bindings: readonly unknown[];
}

export function recordingDb(answer: (sql: string, bindings: readonly unknown[]) => RawRow[] | Error): {
  db: SqlDb;
  log: Recorded[];
} {
  const log: Recorded[] = [];
  const query = async (sql: string, bindings: readonly unknown[] = []) => {
    log.push({ sql, bindings });
    const result = answer(sql, bindings);
    if (result instanceof Error) throw result;
    return result;
  };
  const knex = {
    transaction: async (fn: (trx: unknown) => Promise<unknown>, config?: unknown) => {
      log.push({ sql: `-- transaction ${JSON.stringify(config ?? {})}`, bindings: [] });
      return fn({ raw: async (sql: string, bindings: readonly unknown[] = []) => query(sql, bindings) });
    },
  };
  return { db: { knex: knex as never, query }, log };
}

export function context(
  dialect: SqlDialect,
  meta: SourceTable,
  capture: CaptureTable,
  db: SqlDb,
): StrategyContext {
  const table = resolveTable(dialect, capture, meta);
  return { db, dialect, table, now: () => 1_800_000_000_000, readChunk: async () => [] };
}

/**
 * Compares a generated statement with the committed fixture `test/sql/<name>.sql` exactly. Fixtures were
 * reviewed against the vendor documentation cited in each strategy's source; regenerate with
 * FERRY_UPDATE_SQL=1 only after reviewing the change.
 */
export function expectSql(dir: string, name: string, sql: string): void {
  const file = join(dir, 'sql', `${name}.sql`);
  if (process.env.FERRY_UPDATE_SQL === '1') writeFileSync(file, `${sql}\n`);
  expect(sql).toBe(readFileSync(file, 'utf8').replace(/\n$/, ''));
}
