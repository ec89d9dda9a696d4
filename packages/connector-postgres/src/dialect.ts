import {
  type CaptureTable,
  type ColumnType,
  decodeSqlValue,
  encodeSqlParam,
  type PreflightCheck,
  type RawRow,
  type SourceColumn,
  type SourceTable,
  type SqlDb,
  type SqlDialect,
  sqlDecoder,
} from '@ferry/sdk/connector';
import type { Knex } from 'knex';
import { postgresChangelog, quoteIdent } from './changelog.js';
import { eachCopyRow } from './copy-rows.js';
import { discoverPostgres } from './discover.js';
import { parseBytea } from './type-parsers.js';

function clockMinus(type: ColumnType, ms: number): string {
  // now() is the statement's start in autocommit; localtimestamp is the same instant in the session zone.
  const clock = type === 'timestamp' ? 'localtimestamp' : 'now()';
  return `(${clock} - interval '${Math.max(0, Math.round(ms))} milliseconds')`;
}

/** What eachRow uses of knex's client for pg: its pool and the driver module. */
interface PgKnexClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<void>;
  driver: { Query: new (config: { text: string; values: readonly unknown[] }) => PgQuery };
}
interface PgConnection {
  query(query: PgQuery): PgQuery;
}
interface PgQuery {
  on(event: 'row', listener: (row: RawRow) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'end', listener: () => void): this;
}

/**
 * A query on a connection of the knex pool whose rows are handed out one by one as pg parses them: a pg
 * Query without a callback and with a `row` listener does not collect its result.
 */
async function eachRow(
  db: SqlDb,
  sql: string,
  bindings: readonly unknown[],
  onRow: (row: RawRow) => void,
): Promise<void> {
  const native = db.knex
    .raw(sql, bindings as Knex.RawBinding[])
    .toSQL()
    .toNative();
  const client = db.knex.client as unknown as PgKnexClient;
  const connection = await client.acquireConnection();
  try {
    await new Promise<void>((resolve, reject) => {
      let failure: { error: unknown } | undefined;
      connection
        .query(new client.driver.Query({ text: native.sql, values: native.bindings }))
        .on('row', (row) => {
          if (failure) return;
          try {
            onRow(row);
          } catch (error) {
            failure = { error };
          }
        })
        .on('error', reject)
        .on('end', () => (failure ? reject(failure.error) : resolve()));
    });
  } finally {
    await client.releaseConnection(connection);
  }
}

/** What pg's parsers ({@link ferryPgTypes}) make of a column's text output, by the column's type. */
function textValue(column: SourceColumn, text: string): unknown {
  switch (column.type) {
    case 'boolean':
      return text === 't';
    case 'int':
    case 'float':
      return Number(text);
    case 'binary':
      return parseBytea(text);
    default:
      return text;
  }
}

/**
 * The PostgreSQL dialect of the SQL connector framework. Expects a pg client with {@link ferryPgTypes}
 * (numbers and date-times as text) and `DateStyle = ISO`. Snapshots read with `COPY (…) TO STDOUT`
 * ({@link eachCopyRow}); {@link postgresSelectDialect} reads them with `SELECT`.
 */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  quote: quoteIdent,
  rows(result) {
    return ((result as { rows?: Record<string, unknown>[] }).rows ?? []) as Record<string, unknown>[];
  },
  eachRow,
  eachTextRow: eachCopyRow,
  textValue,
  limit: (n) => `LIMIT ${Math.trunc(n)}`,
  rowValueComparison: true,
  discover: discoverPostgres,
  selectColumn: (_column, sql) => sql,
  decode: decodeSqlValue,
  decoder: sqlDecoder,
  param: () => '?',
  encodeParam: encodeSqlParam,
  binaryOrder(column: SourceColumn, sql: string) {
    // "C" compares the UTF-8 bytes: code point order, the order Ferry merges diff state in.
    return column.type === 'string' || column.type === 'text' ? `${sql} COLLATE "C"` : sql;
  },
  clockMinus,
  selectClockMinus: (column, ms) => clockMinus(column.type, ms),
  changelog: postgresChangelog,
  async preflight(db: SqlDb, table: SourceTable, capture: CaptureTable): Promise<PreflightCheck[]> {
    const checks: PreflightCheck[] = [];
    if (this.eachTextRow) {
      try {
        await this.eachTextRow(db, 'SELECT 1', [], () => undefined);
      } catch (err) {
        checks.push({
          check: 'copy',
          ok: false,
          table: capture.table,
          message: `snapshots read with COPY (query) TO STDOUT, which failed (${(err as Error).message}); set \`copy: false\` to read them with SELECT`,
        });
      }
    }
    const qualified = `${quoteIdent(table.schema ?? 'public')}.${quoteIdent(table.name.split('.').pop()!)}`;
    if (capture.strategy.kind === 'changelog' && capture.strategy.install) {
      const [row] = await db.query(
        `SELECT has_schema_privilege(?, 'CREATE') AS can_create, has_table_privilege(?, 'TRIGGER') AS can_trigger`,
        [table.schema ?? 'public', qualified],
      );
      if (row?.can_create !== true || row?.can_trigger !== true) {
        checks.push({
          check: 'changelog-privilege',
          ok: false,
          table: capture.table,
          message: `installing the change log needs CREATE on schema ${table.schema} and TRIGGER on ${capture.table}: GRANT them, or have a DBA run changelogDdl()`,
        });
      }
    }
    if (capture.strategy.kind === 'timestamp') {
      const strategy = capture.strategy;
      const column = table.columns.find((c) => c.name === strategy.column);
      if (column?.type === 'timestamp') {
        const [row] = await db.query(`SELECT current_setting('TimeZone') AS tz`);
        checks.push({
          check: 'timestamp-zone',
          ok: true,
          table: capture.table,
          message: `\`${column.name}\` has no time zone: the lag is measured against localtimestamp in the session zone ${String(row?.tz)}; set timeZone to the zone the application writes in`,
        });
      }
    }
    return checks;
  },
  async statisticsRowCount(db: SqlDb, table: SourceTable): Promise<number | undefined> {
    const [row] = await db.query(
      `SELECT c.reltuples::float8 AS n FROM pg_catalog.pg_class c
         JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace
        WHERE ns.nspname = ? AND c.relname = ?`,
      [table.schema ?? 'public', table.name.split('.').pop()!],
    );
    // -1 (PostgreSQL 14+) or 0 with no pages: never vacuumed or analyzed, so nothing is known.
    const n = Number(row?.n);
    return Number.isFinite(n) && n > 0 ? Math.round(n) : undefined;
  },
  isUndefinedColumn(err) {
    return (err as { code?: string } | undefined)?.code === '42703';
  },
};

/**
 * The PostgreSQL dialect without COPY: snapshots read with `SELECT` (for a PostgreSQL-wire database that has
 * no `COPY (query) TO STDOUT`).
 */
const { eachTextRow: _copy, textValue: _text, ...selectOnly } = postgresDialect;
export const postgresSelectDialect: SqlDialect = selectOnly;
