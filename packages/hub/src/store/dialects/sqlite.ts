// SQLite: multi-row VALUES statements in chunks, prepared once per connection, table and chunk size.
import type BetterSqlite3 from 'better-sqlite3';
import {
  chunkSizes,
  type DeleteBatch,
  type Dialect,
  quote,
  type ResourceTableShape,
  type UpsertBatch,
  upsertChunks,
} from './dialect.js';

/** Rows per statement (SQLite binds at most 32 766 variables). */
const CHUNK_ROWS = 500;
/** Statements kept per connection; beyond this (many tables) the cache starts again. */
const MAX_CACHED = 512;

const caches = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

function statement(db: BetterSqlite3.Database, key: string, sql: () => string): BetterSqlite3.Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let stmt = cache.get(key);
  if (!stmt) {
    if (cache.size >= MAX_CACHED) cache.clear();
    stmt = db.prepare(sql());
    cache.set(key, stmt);
  }
  return stmt;
}

function upsertSql(shape: ResourceTableShape, rows: number): string {
  const cols = ['sender', ...shape.keyColumns, 'row', 'epoch', 'seq', 'updated_at'].map(quote);
  const tuple = `(${cols.map(() => '?').join(',')})`;
  const conflict = ['sender', ...shape.keyColumns].map(quote).join(',');
  const set = ['row', 'epoch', 'seq', 'updated_at'].map((c) => `${quote(c)}=excluded.${quote(c)}`).join(',');
  return `INSERT INTO ${quote(shape.table)} (${cols.join(',')}) VALUES ${Array(rows).fill(tuple).join(',')} ON CONFLICT (${conflict}) DO UPDATE SET ${set}`;
}

function deleteSql(shape: ResourceTableShape, rows: number): string {
  const keys = shape.keyColumns.map(quote);
  const target = keys.length === 1 ? keys[0]! : `(${keys.join(',')})`;
  const tuple = `(${keys.map(() => '?').join(',')})`;
  return `DELETE FROM ${quote(shape.table)} WHERE ${quote('sender')}=? AND ${target} IN (VALUES ${Array(rows).fill(tuple).join(',')})`;
}

/** The SQLite {@link Dialect}. */
export const sqliteDialect: Dialect = {
  name: 'sqlite',

  async upsertRows(connection, shape, batch: UpsertBatch) {
    const db = connection as BetterSqlite3.Database;
    for (const { rows: n, values } of upsertChunks(batch, CHUNK_ROWS, 32_766)) {
      statement(db, `u|${shape.table}|${n}`, () => upsertSql(shape, n)).run(values);
    }
  },

  async deleteRows(connection, shape, batch: DeleteBatch) {
    const db = connection as BetterSqlite3.Database;
    const total = batch.keys[0]?.length ?? 0;
    let deleted = 0;
    let start = 0;
    for (const n of chunkSizes(total, Math.min(CHUNK_ROWS, Math.floor(32_000 / shape.keyColumns.length)))) {
      const params: unknown[] = [batch.sender];
      for (let i = start; i < start + n; i++) for (const column of batch.keys) params.push(column[i]);
      deleted += statement(db, `d|${shape.table}|${n}`, () => deleteSql(shape, n)).run(params).changes;
      start += n;
    }
    return deleted;
  },
};
