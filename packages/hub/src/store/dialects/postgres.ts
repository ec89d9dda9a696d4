// PostgreSQL: multi-row VALUES statements in chunks, each a named (server-side prepared) statement, so a chunk
// size is parsed and planned once per connection. (unnest() over array parameters was measured slower: the
// array literal of a thousand JSON rows costs more to escape and parse than the plain parameters.)
import type pg from 'pg';
import {
  chunkSizes,
  type DeleteBatch,
  type Dialect,
  quote,
  type ResourceTableShape,
  type UpsertBatch,
  upsertChunks,
} from './dialect.js';

/** Rows per statement (PostgreSQL allows 65 535 parameters). */
const CHUNK_ROWS = 1000;

function placeholders(rows: number, width: number, offset = 0): string {
  const tuples: string[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const cells: string[] = new Array(width);
    for (let c = 0; c < width; c++) cells[c] = `$${offset + r * width + c + 1}`;
    tuples[r] = `(${cells.join(',')})`;
  }
  return tuples.join(',');
}

function upsertSql(shape: ResourceTableShape, rows: number): string {
  const cols = ['sender', ...shape.keyColumns, 'row', 'epoch', 'seq', 'updated_at'].map(quote);
  const conflict = ['sender', ...shape.keyColumns].map(quote).join(',');
  const set = ['row', 'epoch', 'seq', 'updated_at'].map((c) => `${quote(c)}=EXCLUDED.${quote(c)}`).join(',');
  return `INSERT INTO ${quote(shape.table)} (${cols.join(',')}) VALUES ${placeholders(rows, cols.length)} ON CONFLICT (${conflict}) DO UPDATE SET ${set}`;
}

function deleteSql(shape: ResourceTableShape, rows: number): string {
  const keys = shape.keyColumns.map(quote);
  const target = keys.length === 1 ? keys[0]! : `(${keys.join(',')})`;
  return `DELETE FROM ${quote(shape.table)} WHERE ${quote('sender')}=$1 AND ${target} IN (${keys.length === 1 ? placeholders(rows, 1, 1).replace(/[()]/g, '') : placeholders(rows, keys.length, 1)})`;
}

/** The PostgreSQL {@link Dialect}. */
export const postgresDialect: Dialect = {
  name: 'postgres',

  async upsertRows(connection, shape, batch: UpsertBatch) {
    const client = connection as pg.Client;
    for (const { rows: n, values } of upsertChunks(batch, CHUNK_ROWS, 65_535)) {
      await client.query({ name: `ferry_u_${shape.table}_${n}`, text: upsertSql(shape, n), values });
    }
  },

  async deleteRows(connection, shape, batch: DeleteBatch) {
    const client = connection as pg.Client;
    const width = shape.keyColumns.length;
    let start = 0;
    let deleted = 0;
    for (const n of chunkSizes(
      batch.keys[0]?.length ?? 0,
      Math.min(CHUNK_ROWS, Math.floor(65_000 / width)),
    )) {
      const values: unknown[] = [batch.sender];
      for (let i = start; i < start + n; i++) for (const column of batch.keys) values.push(column[i]);
      const res = await client.query({
        name: `ferry_d_${shape.table}_${n}`,
        text: deleteSql(shape, n),
        values,
      });
      deleted += res.rowCount ?? 0;
      start += n;
    }
    return deleted;
  },
};
