// The raw contender of the hub benchmarks: multi-row INSERTs of the rows the hub stores into a table made by the
// hub's own DDL, through a connection opened by the hub's own database code (same SQLite pragmas, same
// PostgreSQL pool settings), one statement per call, each committed on its own. On SQLite the statement binds
// the columns every row shares (sender, epoch, seq, updated_at) once, as the hub's own upsert does: a raw
// contender that bound them per row would be some 20% slower, and the ratio would flatter the hub.
import { openDatabase } from '../../packages/hub/src/store/database.js';
import { createResourceTable } from '../../packages/hub/src/store/resources.js';

/** A row as the hub stores it: the canonical key text and the encoded JSON row. */
export interface StoredRow {
  key: string;
  row: string;
}

/** Where the raw table lives: the hub's SQLite file, or a schema of a PostgreSQL database. */
export type RawDatabase = { sqlite: string } | { url: string; schema: string };

/** The raw contender's connection. */
export interface RawBaseline {
  /** Inserts exactly `rowsPerStatement` rows as one statement, as the provider's rows at stream `seq`. */
  insert(rows: readonly StoredRow[], seq: number): Promise<void>;
  /** A query on the same connection (`?` placeholders), for counting what a hub stored. */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

const COLUMNS = '"sender","k_0","row","epoch","seq","updated_at"';

interface SqliteConnection {
  prepare(sql: string): { run(params: unknown[]): unknown; all(params: unknown[]): unknown[] };
}
interface PgConnection {
  query(config: {
    name?: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: Record<string, unknown>[] }>;
}

/** Opens the raw contender's connection and creates its table `raw_baseline` beside the hub's tables. */
export async function openRawBaseline(database: RawDatabase, rowsPerStatement: number): Promise<RawBaseline> {
  const db = await openDatabase(
    {
      sqlite: 'sqlite' in database ? database.sqlite : 'unused.sqlite',
      synchronous: 'full',
      schema: 'schema' in database ? database.schema : 'ferry',
      poolMax: 1,
      ...('url' in database ? { url: database.url } : {}),
    },
    process.cwd(),
  );
  await createResourceTable(db.knex, { table: 'raw_baseline', keyColumns: ['k_0'] });
  const client = db.knex.client as {
    acquireConnection(): Promise<unknown>;
    releaseConnection(c: unknown): Promise<void>;
  };
  const connection = await client.acquireConnection();
  const values = (rows: readonly StoredRow[], seq: number) => {
    const now = new Date().toISOString();
    return rows.flatMap((r) => ['GA01', r.key, r.row, 1, seq, now]);
  };
  const close = async () => {
    // The pool waits for borrowed connections before it closes.
    await client.releaseConnection(connection);
    await db.close();
  };
  if (db.kind === 'sqlite') {
    const conn = connection as SqliteConnection;
    const insert = conn.prepare(
      `INSERT INTO "raw_baseline" (${COLUMNS}) SELECT ?,column1,column2,?,?,? FROM (VALUES ${Array(rowsPerStatement).fill('(?,?)').join(',')})`,
    );
    return {
      insert: async (rows, seq) => {
        const params: unknown[] = ['GA01', 1, seq, new Date().toISOString()];
        for (const r of rows) params.push(r.key, r.row);
        insert.run(params);
      },
      query: async (sql, params = []) => conn.prepare(sql).all(params) as Record<string, unknown>[],
      close,
    };
  }
  const conn = connection as PgConnection;
  const text = `INSERT INTO "raw_baseline" (${COLUMNS}) VALUES ${Array.from({ length: rowsPerStatement }, (_, i) => `($${i * 6 + 1},$${i * 6 + 2},$${i * 6 + 3},$${i * 6 + 4},$${i * 6 + 5},$${i * 6 + 6})`).join(',')}`;
  return {
    insert: async (rows, seq) => {
      await conn.query({ name: 'raw_baseline_insert', text, values: values(rows, seq) });
    },
    query: async (sql, params = []) => {
      let n = 0;
      return (await conn.query({ text: sql.replace(/\?/g, () => `$${++n}`), values: params })).rows;
    },
    close,
  };
}

/** Drops a benchmark's PostgreSQL schema (after its hub and raw connection are closed). */
export async function dropBenchSchema(url: string, schema: string): Promise<void> {
  const db = await openDatabase(
    { url, schema, sqlite: 'unused', synchronous: 'full', poolMax: 1 },
    process.cwd(),
  );
  await db.knex.raw('DROP SCHEMA ?? CASCADE', [schema]);
  await db.close();
}
