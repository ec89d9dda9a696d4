import type { Change, FerryRecord } from '../changes/index.js';
import type { Checkpoint, Position } from './checkpoint.js';

/**
 * A `Source` is what a connector implements: a database or file drop that Ferry reads rows and changes
 * from. The runner ({@link runConnector}) drives it; a source never talks to the outbox or the hub itself.
 *
 * The contract, in the order the runner uses it:
 *
 * 1. {@link Source.discover} lists tables and their columns with a normalized {@link ColumnType}.
 * 2. {@link Source.preflight} checks, before any capture, that the source is usable for the configured
 *    tables: connection, privileges, a key, strategy prerequisites. One actionable line per problem.
 * 3. {@link Source.watermark} takes the incremental position *before* a snapshot starts, so the snapshot
 *    and the incremental capture that follows overlap rather than leave a gap.
 * 4. {@link Source.snapshot} reads the whole table in chunks ordered by key (keyset pagination). It is
 *    resumable: given the last key of the last committed chunk it continues after it.
 * 5. {@link Source.changes} reads what changed after a position, per the table's capture strategy.
 * 6. {@link Source.checkpoint} turns a position into the opaque cursor string the sink stores, and back.
 *
 * Positions are plain JSON chosen by the source (a last key, a timestamp and key, a change-log id with
 * its gaps…); the runner never looks inside them. A source is safe to create twice in one process and
 * holds no global state; {@link Source.close} releases its connections.
 *
 * The reference implementation is {@link createSqlSource} (SQL databases on knex), used by
 * `@ferry/connector-postgres` and `@ferry/connector-mysql`. See docs/connectors/writing-a-connector.md.
 */
export interface Source {
  /** Short name of the connector, e.g. `'postgres'`; used in messages and catalog drafts. */
  readonly name: string;

  /**
   * Lists tables with their columns and primary keys.
   * @param tables - names to describe (`'schema.table'` or `'table'`); all user tables when omitted.
   *   A named table that does not exist is an error (`FERRY_NOT_FOUND`), not an empty result.
   */
  discover(tables?: readonly string[]): Promise<SourceTable[]>;

  /**
   * Checks that capture can run for these tables. Never throws for a problem it can describe: each
   * problem is one {@link PreflightCheck} with `ok: false` and a message that says what to do.
   */
  preflight(tables: readonly CaptureTable[]): Promise<PreflightCheck[]>;

  /**
   * The incremental position to continue from once a snapshot taken *now* completes. It must not be later
   * than any change the snapshot could miss: changes between the watermark and the end of the snapshot are
   * read again (idempotent upserts), never lost.
   */
  watermark(table: CaptureTable): Promise<Position>;

  /**
   * Reads the table in key order, `chunkSize` rows per chunk, after `afterKey` when resuming. Every chunk
   * carries the key of its last row; a chunk with `done: true` is the last one. Memory stays bounded by
   * one or two chunks whatever the table size.
   */
  snapshot(table: CaptureTable, options: SnapshotOptions): AsyncIterable<SnapshotChunk>;

  /**
   * Reads up to `limit` changes after `position` and returns the position after them. `more: true` asks
   * the runner to call again at once (there is more to read); `more: false` means caught up.
   * A position that can no longer be served (purged log, lost diff state, truncated table) throws
   * `FERRY_CURSOR_EXPIRED`; the runner then fails or resnapshots as configured, never skips.
   */
  changes(table: CaptureTable, position: Position, options: ChangesOptions): Promise<ChangeRead>;

  /** Encodes and decodes cursors (the strings the sink stores per resource). */
  readonly checkpoint: CheckpointCodec;

  /**
   * About how many rows the table holds, for progress display only (a snapshot's progress bar): an exact
   * count for small tables, the database's statistics for large ones. Must be cheap — never a full scan
   * of a large table — and may be wrong; `undefined` when the source cannot tell.
   */
  estimateRows?(table: CaptureTable): Promise<number | undefined>;

  /** Releases connections, file handles and timers. Safe to call twice. */
  close?(): Promise<void>;
}

/**
 * Turns a {@link Checkpoint} into the opaque string a sink stores, and back. {@link createCheckpointCodec}
 * gives the standard form: versioned JSON in base64url.
 */
export interface CheckpointCodec {
  encode(checkpoint: Checkpoint): string;
  /**
   * Decodes and validates a cursor for `table`. A cursor that does not decode, is of another version, or
   * belongs to another table or strategy throws `FERRY_CURSOR_INVALID`.
   */
  decode(cursor: string, table: CaptureTable): Checkpoint;
}

/**
 * Column types as Ferry normalizes them across databases. Each maps to one {@link FerryValue} kind:
 * `int` → number, `bigint` → bigint, `decimal` → Decimal, `float` → number, `timestamp` → Timestamp without
 * zone, `timestamptz` → Timestamp with offset, `date` → DateOnly, `binary` → Uint8Array, `json` → object,
 * everything textual → string.
 */
export type ColumnType =
  | 'boolean'
  | 'int'
  | 'bigint'
  | 'decimal'
  | 'float'
  | 'string'
  | 'text'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'binary'
  | 'json'
  | 'uuid'
  | 'other';

/** One column of a source table. */
export interface SourceColumn {
  name: string;
  /** Normalized type. */
  type: ColumnType;
  /** The database's own type text, e.g. `numeric(38,10)`, `datetime(6)`, `bigint unsigned`. */
  nativeType: string;
  nullable: boolean;
  /** Characters for strings, bytes for fixed binary, digits for integers. */
  length?: number;
  /** Total digits of a decimal. */
  precision?: number;
  /** Digits after the point of a decimal; fractional-second digits of a time or timestamp. */
  scale?: number;
  /** True when the column is part of the primary key. */
  primaryKey: boolean;
  /** Collation of a text column, where the database has one per column (MySQL). */
  collation?: string;
}

/** A table as {@link Source.discover} describes it. */
export interface SourceTable {
  /** Qualified name as the source spells it, e.g. `public.orders` or `orders`. */
  name: string;
  /** Schema or database, when the source has one. */
  schema?: string;
  columns: SourceColumn[];
  /** Primary key column names in key order; empty when the table has none. */
  primaryKey: string[];
  /** Columns that lead an index (first column of each index), for preflight advice. */
  indexedColumns?: string[];
}

/**
 * How a table's changes are captured. See docs/connectors/strategies.md for what each sees and misses.
 * - `incrementing`: rows whose (increasing) column is above the last one read. Inserts only.
 * - `timestamp`: rows whose update timestamp is after the last one read, behind a safety lag. Inserts and
 *   updates, no deletes.
 * - `changelog`: a trigger-maintained change log table. Inserts, updates, deletes.
 * - `diff`: a full comparison with the previous scan. Everything, at the price of a full scan.
 * A connector may offer further, native strategies (`kind` of its own).
 */
export type StrategyConfig =
  | IncrementingStrategyConfig
  | TimestampStrategyConfig
  | ChangelogStrategyConfig
  | DiffStrategyConfig;

/** See {@link StrategyConfig}. */
export interface IncrementingStrategyConfig {
  kind: 'incrementing';
  /** The increasing column; defaults to the (single-column) key. */
  column?: string;
  /**
   * How long an id that is missing below the highest id seen is looked for again before it is given up
   * (a transaction that allocated it may still commit). Integer columns only. Default 5 minutes.
   */
  graceMs?: number;
}

/** See {@link StrategyConfig}. */
export interface TimestampStrategyConfig {
  kind: 'timestamp';
  /** The column the application sets on every insert and update (e.g. `updated_at`). */
  column: string;
  /**
   * Rows are read only once their timestamp is at least this far behind the database clock, so that a
   * transaction that stamped a row and commits within this window is not skipped. Default 5000 ms.
   */
  lagMs?: number;
}

/** See {@link StrategyConfig}. */
export interface ChangelogStrategyConfig {
  kind: 'changelog';
  /** Name of the change log table; defaults to `<table>_ferry_log` in the table's schema. */
  logTable?: string;
  /** Create the log table and triggers when they are missing (needs CREATE and TRIGGER privileges). */
  install?: boolean;
  /** How long a missing log id is looked for again before it is given up. Default 5 minutes. */
  graceMs?: number;
  /**
   * Delete log entries already read and older than this. Default 7 days; `0` disables purging (the
   * operator purges, and a purge past the cursor is then reported as `FERRY_CURSOR_EXPIRED`).
   */
  retentionMs?: number;
}

/** See {@link StrategyConfig}. */
export interface DiffStrategyConfig {
  kind: 'diff';
  /** Directory for the per-table state files (sorted key hashes). Default `.ferry/diff-state`. */
  stateDir?: string;
}

/** A table to capture, as the runner hands it to the source. */
export interface CaptureTable {
  /** Table name, `'schema.table'` or `'table'` (default schema). */
  table: string;
  strategy: StrategyConfig;
  /** Key columns; defaults to the primary key. Required for tables without one. */
  key?: string[];
  /** Columns to capture: all when omitted. Key columns are always captured. */
  columns?: { include?: string[]; exclude?: string[] };
}

/** Options of {@link Source.snapshot}. */
export interface SnapshotOptions {
  /** Rows per chunk. */
  chunkSize: number;
  /** Continue after this key (the `lastKey` of the last committed chunk). */
  afterKey?: FerryRecord;
  /** The position from {@link Source.watermark}, or the one of the last committed chunk. */
  position: Position;
  /** Stops reading between chunks. */
  signal?: AbortSignal;
}

/** One chunk of a snapshot: upserts in key order. */
export interface SnapshotChunk {
  /**
   * The upserts. A source may carry them encoded instead, decoded on the first read of this property
   * (`withEncodedChanges` of `@ferry/sdk/changes`); the runner passes them on to the sink unread.
   */
  changes: Change[];
  /** Key of the last row of this chunk (undefined for an empty chunk). */
  lastKey?: FerryRecord;
  /**
   * The incremental position once this chunk is committed; usually the watermark unchanged, but a
   * strategy that keeps state while snapshotting (diff) advances it.
   */
  position: Position;
  /** True on the last chunk. */
  done: boolean;
  /** Column names the rows carry. */
  columns: string[];
}

/** Options of {@link Source.changes}. */
export interface ChangesOptions {
  /** At most this many changes. */
  limit: number;
}

/** What {@link Source.changes} read. */
export interface ChangeRead {
  /** The changes; possibly carried encoded, as in {@link SnapshotChunk.changes}. */
  changes: Change[];
  /** Position after these changes. */
  position: Position;
  /** True when there is more to read right away. */
  more: boolean;
  /**
   * True when the new position must be committed even though `changes` is empty (e.g. the diff strategy
   * finished a pass and switched state files).
   */
  commit?: boolean;
  /** Column names the rows carry. */
  columns: string[];
}

/** One result of {@link Source.preflight}: a check and, when it failed, what to do. */
export interface PreflightCheck {
  /** What was checked, e.g. `connect`, `select-privilege`, `primary-key`, `changelog-trigger`. */
  check: string;
  ok: boolean;
  /** One line: what was found and, when not ok, what to do about it. */
  message: string;
  /** `error` stops capture; `warning` is advice. Only set when `ok` is false. Default `error`. */
  severity?: 'error' | 'warning';
  /** The table concerned, if any. */
  table?: string;
}
