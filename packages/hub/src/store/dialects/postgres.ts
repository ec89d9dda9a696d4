// PostgreSQL: one named (server-side prepared) statement per table that takes whole columns as arrays and
// expands them with unnest(), so any batch size runs the same plan; chunks bound the size of one message.
import type pg from 'pg';
import {
  type DeleteBatch,
  type Dialect,
  quote,
  type ResourceTableShape,
  type UpsertBatch,
} from './dialect.js';

const CHUNK_ROWS = 5000;

function upsertSql(shape: ResourceTableShape): string {
  const keys = shape.keyColumns.map(quote);
  const cols = [quote('sender'), ...keys, quote('row'), quote('epoch'), quote('seq'), quote('updated_at')];
  const arrays = [...keys, quote('row')];
  const unnest = arrays.map((_, i) => `$${i + 5}::text[]`).join(',');
  const set = ['row', 'epoch', 'seq', 'updated_at'].map((c) => `${quote(c)}=EXCLUDED.${quote(c)}`).join(',');
  return (
    `INSERT INTO ${quote(shape.table)} (${cols.join(',')}) ` +
    `SELECT $1, ${arrays.map((c) => `u.${c}`).join(', ')}, $2, $3, $4 FROM unnest(${unnest}) AS u(${arrays.join(',')}) ` +
    `ON CONFLICT (${[quote('sender'), ...keys].join(',')}) DO UPDATE SET ${set}`
  );
}

function deleteSql(shape: ResourceTableShape): string {
  const keys = shape.keyColumns.map(quote);
  const unnest = keys.map((_, i) => `$${i + 2}::text[]`).join(',');
  const match = keys.map((k) => `t.${k}=d.${k}`).join(' AND ');
  return `DELETE FROM ${quote(shape.table)} AS t USING unnest(${unnest}) AS d(${keys.join(',')}) WHERE t.${quote('sender')}=$1 AND ${match}`;
}

/** The PostgreSQL {@link Dialect}. */
export const postgresDialect: Dialect = {
  name: 'postgres',

  async upsertRows(connection, shape, batch: UpsertBatch) {
    const client = connection as pg.Client;
    const text = upsertSql(shape);
    for (let start = 0; start < batch.rows.length; start += CHUNK_ROWS) {
      const end = start + CHUNK_ROWS;
      await client.query({
        name: `ferry_upsert_${shape.table}`,
        text,
        values: [
          batch.sender,
          batch.epoch,
          batch.seq,
          batch.updatedAt,
          ...batch.keys.map((column) => column.slice(start, end)),
          batch.rows.slice(start, end),
        ],
      });
    }
  },

  async deleteRows(connection, shape, batch: DeleteBatch) {
    const client = connection as pg.Client;
    const text = deleteSql(shape);
    const total = batch.keys[0]?.length ?? 0;
    let deleted = 0;
    for (let start = 0; start < total; start += CHUNK_ROWS) {
      const end = start + CHUNK_ROWS;
      const res = await client.query({
        name: `ferry_delete_${shape.table}`,
        text,
        values: [batch.sender, ...batch.keys.map((column) => column.slice(start, end))],
      });
      deleted += res.rowCount ?? 0;
    }
    return deleted;
  },
};
