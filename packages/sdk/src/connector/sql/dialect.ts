import type { Knex } from 'knex';
import type { FerryValue } from '../../changes/index.js';
import type { CaptureTable, ColumnType, PreflightCheck, SourceColumn, SourceTable } from '../source.js';
import type { TextRow } from './text-rows.js';

/** A row as the driver returns it, before decoding. */
export type RawRow = Record<string, unknown>;

/** The one thing strategies need from a connection: run a statement, get rows. */
export interface SqlDb {
  /** The knex instance, for transactions and anything a dialect needs beyond plain queries. */
  readonly knex: Knex;
  /** Runs `sql` with `?` placeholders bound to `bindings`; returns the rows (empty for statements). */
  query(sql: string, bindings?: readonly unknown[]): Promise<RawRow[]>;
}

/**
 * What one SQL database family supplies to {@link createSqlSource}: the few places where databases differ.
 * Everything else (snapshots, strategies, cursors, preflight) is shared. A connector package implements
 * this interface and nothing shared; `@ferry/connector-postgres` is the reference implementation.
 *
 * Conventions: every method that returns SQL returns a fragment with `?` placeholders, identifiers already
 * quoted with {@link SqlDialect.quote}. Drivers are configured to return numbers, decimals and date-times
 * as text so that {@link decodeSqlValue} can keep their full precision.
 */
export interface SqlDialect {
  /** Short name, e.g. `postgres`, `mysql`. */
  readonly name: string;
  /** Quotes one identifier (`"a"` / `` `a` ``). */
  quote(identifier: string): string;
  /** The rows of a `knex.raw` result (drivers shape results differently). */
  rows(result: unknown): RawRow[];
  /**
   * Runs `sql` (with `?` placeholders) and hands each row to `onRow` as the driver reads it, without
   * collecting the result first, so that a row's driver objects are garbage as soon as it is decoded rather
   * than kept with a whole chunk. Resolves when the result is complete; if `onRow` throws, the rest of the
   * result is read and dropped and the promise rejects with that error. Optional: without it the framework
   * runs {@link SqlDb.query} and walks the rows it returns.
   */
  eachRow?(db: SqlDb, sql: string, bindings: readonly unknown[], onRow: (row: RawRow) => void): Promise<void>;
  /**
   * Like {@link SqlDialect.eachRow}, with each row as the text output of its fields (UTF-8 bytes, see
   * {@link TextRow}) rather than driver values: PostgreSQL's `COPY (…) TO STDOUT`. Snapshots use it when
   * present; their rows are then written to change lines straight from the bytes. Each field's text must be
   * what {@link SqlDialect.textValue} turns into the value `eachRow`'s driver gives for the column.
   */
  eachTextRow?(
    db: SqlDb,
    sql: string,
    bindings: readonly unknown[],
    onRow: (row: TextRow) => void,
  ): Promise<void>;
  /**
   * The driver value that {@link SqlDialect.eachRow} gives for a column whose text output is `text` (a
   * boolean for `t`, a Buffer for bytea's hex): what a field of {@link SqlDialect.eachTextRow} is decoded
   * from when it is not written from its bytes. The text itself when omitted.
   */
  textValue?(column: SourceColumn, text: string): unknown;
  /** `LIMIT n` or its equivalent, appended after `ORDER BY`. */
  limit(n: number): string;
  /**
   * What a `SELECT` without a table needs after its select list, e.g. ` FROM DUAL` on Oracle before 23ai;
   * empty (the default) where `SELECT 1` is valid on its own.
   */
  readonly selectWithoutTable?: string;
  /** Whether `(a, b) > (?, ?)` is used for composite keys (index-friendly where the planner supports it). */
  readonly rowValueComparison: boolean;

  /** Describes tables: all user tables when `names` is omitted; throws `FERRY_NOT_FOUND` for a missing one. */
  discover(db: SqlDb, names?: readonly string[]): Promise<SourceTable[]>;

  /** The select expression of a column (usually `column` itself; e.g. MySQL `UNIX_TIMESTAMP(ts)`). */
  selectColumn(column: SourceColumn, columnSql: string): string;
  /** Converts a driver value of the column to a Ferry value. */
  decode(value: unknown, column: SourceColumn): FerryValue;
  /** A decoder specialized for one column, used for rows (faster than {@link SqlDialect.decode} per value). */
  decoder?(column: SourceColumn): (value: unknown) => FerryValue;
  /** A parameter compared with this column: SQL with exactly one `?` (e.g. `CAST(? AS DECIMAL(38,10))`). */
  param(column: SourceColumn): string;
  /** The binding for {@link SqlDialect.param}. */
  encodeParam(value: FerryValue, column: SourceColumn): unknown;
  /**
   * The column as an expression ordered by code point (text) or byte (binary), so that Ferry can merge
   * the database's order with its own (diff strategy). The column itself for numbers and dates.
   */
  binaryOrder(column: SourceColumn, columnSql: string): string;

  /** The database clock minus `ms`, comparable with a column of type `type` (`timestamp`/`timestamptz`). */
  clockMinus(type: ColumnType, ms: number): string;
  /** Like {@link SqlDialect.clockMinus}, as a select expression that {@link SqlDialect.decode} reads as `column`. */
  selectClockMinus(column: SourceColumn, ms: number): string;

  /** Change-log DDL and introspection. */
  readonly changelog: ChangelogDialect;

  /**
   * The row count the database's statistics hold for a table (PostgreSQL `pg_class.reltuples`, MySQL
   * `information_schema.TABLES.TABLE_ROWS`), without reading the table; `undefined` when there is none
   * (a table never analyzed). Used by {@link SqlSource.estimateRows} for tables too large to count.
   */
  statisticsRowCount?(db: SqlDb, table: SourceTable): Promise<number | undefined>;
  /** Checks of its own (privileges, server settings); appended to the shared ones. */
  preflight?(db: SqlDb, table: SourceTable, capture: CaptureTable): Promise<PreflightCheck[]>;
  /** True when `err` says a column named in the statement does not exist (the table shape changed). */
  isUndefinedColumn(err: unknown): boolean;
}

/** Names of a table's change log objects. */
export interface ChangelogNames {
  /** Schema of the source table (and of the log), if any. */
  schema?: string;
  /** The source table, unqualified. */
  table: string;
  /** The log table, unqualified. */
  logTable: string;
  /** Prefix for the trigger and function names. */
  triggerPrefix: string;
}

/** Change-log support of a dialect. The log has `ferry_id`, `ferry_op`, `ferry_at` and the key columns. */
export interface ChangelogDialect {
  /**
   * Statements creating the log table (id, op `U`/`D`/`T`/`P`, time, key columns with the source types),
   * its index on `ferry_at`, and triggers that log every insert, update (old and new key when the key
   * changes) and delete, and a truncate where the database can.
   */
  install(table: SourceTable, names: ChangelogNames, key: readonly SourceColumn[]): string[];
  /** Statements dropping the triggers, functions and log table. */
  uninstall(names: ChangelogNames): string[];
  /** Whether the log table and its triggers exist. */
  status(db: SqlDb, names: ChangelogNames): Promise<{ logTable: boolean; triggers: boolean }>;
  /** True when a `TRUNCATE` of the source table is logged (op `T`). */
  readonly logsTruncate: boolean;
  /** Longest identifier the database accepts. */
  readonly maxIdentifierLength: number;
}
