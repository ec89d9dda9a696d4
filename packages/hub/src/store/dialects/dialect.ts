// The statements on the ingest hot path, one implementation per database kind. Everything else goes through
// knex; these run on the transaction's own driver connection so each statement is prepared once and reused
// (better-sqlite3 statement objects, PostgreSQL named statements), which knex does not offer.

/** Where a resource's shared rows live: the table and its key columns, in catalog key-item order. */
export interface ResourceTableShape {
  table: string;
  keyColumns: readonly string[];
}

/**
 * The encoded JSON text of rows as UTF-8: row `i` is `bytes[offsets[2i] … offsets[2i+1])`. Rows arrive so from
 * the ingest worker, whose envelope content already holds them (moved between threads, not copied), and
 * SQLite stores them without making strings of them.
 */
export interface RowTexts {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
}

/** How many rows `rows` holds. */
export function rowCount(rows: RowTexts): number {
  return rows.offsets.length >> 1;
}

/** The UTF-8 bytes of row `i` (a view, not a copy). */
export function rowBytes(rows: RowTexts, i: number): Uint8Array {
  return rows.bytes.subarray(rows.offsets[2 * i]!, rows.offsets[2 * i + 1]!);
}

/** The text of row `i`. */
export function rowText(rows: RowTexts, i: number): string {
  return textDecoder.decode(rowBytes(rows, i));
}

const textDecoder = new TextDecoder();

/** Rows to insert or replace, column by column: `keys[c][i]` is key column `c` of row `i`. */
export interface UpsertBatch {
  sender: string;
  keys: readonly (readonly string[])[];
  /** Encoded JSON text of each row. */
  rows: RowTexts;
  epoch: number;
  seq: number;
  /** ISO 8601 time written to `updated_at`. */
  updatedAt: string;
}

/** Keys of rows to delete, column by column as in {@link UpsertBatch}. */
export interface DeleteBatch {
  sender: string;
  keys: readonly (readonly string[])[];
}

/**
 * Batched writes to a resource table. `connection` is the raw driver connection of the current transaction
 * (a better-sqlite3 `Database` or a `pg.Client`), as knex's transaction client hands it out.
 */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** Inserts rows, replacing rows with the same sender and key (multi-row `INSERT … ON CONFLICT DO UPDATE`). */
  upsertRows(connection: unknown, shape: ResourceTableShape, batch: UpsertBatch): Promise<void>;
  /** Deletes rows by sender and key; returns how many existed. */
  deleteRows(connection: unknown, shape: ResourceTableShape, batch: DeleteBatch): Promise<number>;
}

/** Double-quotes an identifier the hub generated itself (`resource_12`, `k_0`). */
export function quote(identifier: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(identifier)) throw new Error(`unexpected identifier ${identifier}`);
  return `"${identifier}"`;
}

/**
 * Splits `total` rows into statement sizes: full chunks of `max`, then the remainder as descending powers of
 * two down to 16, then what is left as one statement. Each size is one prepared statement, so a table never
 * has more than about twenty of them whatever batch sizes arrive.
 */
export function chunkSizes(total: number, max: number): number[] {
  const sizes: number[] = [];
  let left = total;
  while (left >= max) {
    sizes.push(max);
    left -= max;
  }
  for (let size = 1 << Math.floor(Math.log2(Math.max(1, max - 1))); size >= 16; size >>= 1) {
    if (left >= size) {
      sizes.push(size);
      left -= size;
    }
  }
  if (left > 0) sizes.push(left);
  return sizes;
}

/** Columns of a resource table row after its key columns: `row`, `epoch`, `seq`, `updated_at`. */
const COLUMNS_AFTER_KEYS = 4;

/**
 * The upsert statements of a batch: sizes from {@link chunkSizes} (at most `maxRows`, and at most
 * `maxParameters` bound values), each with its values in column order (sender, key columns, row, epoch, seq,
 * updated_at) row after row.
 */
export function* upsertChunks(
  batch: UpsertBatch,
  maxRows: number,
  maxParameters: number,
): Generator<{ rows: number; values: unknown[] }> {
  const width = 1 + batch.keys.length + COLUMNS_AFTER_KEYS;
  let start = 0;
  for (const n of chunkSizes(rowCount(batch.rows), Math.min(maxRows, Math.floor(maxParameters / width)))) {
    const values: unknown[] = new Array(n * width);
    let p = 0;
    for (let i = start; i < start + n; i++) {
      values[p++] = batch.sender;
      for (const column of batch.keys) values[p++] = column[i];
      values[p++] = rowText(batch.rows, i);
      values[p++] = batch.epoch;
      values[p++] = batch.seq;
      values[p++] = batch.updatedAt;
    }
    yield { rows: n, values };
    start += n;
  }
}
