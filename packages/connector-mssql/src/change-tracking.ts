import { type Change, decodeRecord, encodeRecord, type FerryRecord } from '@ferry/sdk/changes';
import {
  afterPredicate,
  type CaptureStrategy,
  type JsonValue,
  type Position,
  type RawRow,
  type SourceColumn,
  type StrategyContext,
} from '@ferry/sdk/connector';
import { FerryError } from '@ferry/sdk/errors';
import type { Knex } from 'knex';
import { changeTrackingExpired, mapMssqlError } from './errors.js';

/** Configuration of the `change-tracking` strategy (a `kind` of its own; cast when typing `CaptureTable.strategy`). */
export interface ChangeTrackingStrategyConfig {
  kind: 'change-tracking';
}

const VERSION: SourceColumn = {
  name: '__ferry_version',
  type: 'bigint',
  nativeType: 'bigint',
  nullable: false,
  primaryKey: false,
};

/** Runs `fn` in one SNAPSHOT-isolation transaction (the isolation Microsoft documents for reading CT). */
export async function inSnapshot<T>(
  ctx: StrategyContext,
  fn: (query: (sql: string, bindings?: readonly unknown[]) => Promise<RawRow[]>) => Promise<T>,
): Promise<T> {
  return ctx.db.knex.transaction(
    async (trx) =>
      fn(async (sql, bindings = []) => ctx.dialect.rows(await trx.raw(sql, bindings as Knex.RawBinding[]))),
    { isolationLevel: 'snapshot' },
  );
}

/**
 * **SQL Server Change Tracking**: the keys changed since the last version read, with their operation, joined
 * with the table for the current row — read in one SNAPSHOT transaction so that the version bounds, the
 * change table and the rows agree ("Work with change tracking",
 * https://learn.microsoft.com/sql/relational-databases/track-changes/work-with-change-tracking-sql-server):
 *
 * ```sql
 * SELECT CHANGE_TRACKING_CURRENT_VERSION(), CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID('t'))
 * SELECT ct.SYS_CHANGE_VERSION, ct.SYS_CHANGE_OPERATION, ct.key…, t.* FROM CHANGETABLE(CHANGES t, @last) ct
 *   LEFT JOIN t ON t.key = ct.key WHERE ct.SYS_CHANGE_VERSION <= @upTo ORDER BY ct.SYS_CHANGE_VERSION, ct.key
 * ```
 *
 * - Sees: inserts, updates, deletes (by key; a key update is a delete and an insert). Net changes: a row
 *   changed twice between reads arrives once, as it is now.
 * - Watermark: `CHANGE_TRACKING_CURRENT_VERSION()` read before the initial copy.
 * - A cursor below `CHANGE_TRACKING_MIN_VALID_VERSION` (retention cleanup) is `FERRY_CURSOR_EXPIRED`; so is
 *   tracking disabled on the table (error 22105, or a NULL minimum).
 * - Needs: CT on the database and the table, ALLOW_SNAPSHOT_ISOLATION ON, SELECT and VIEW CHANGE TRACKING
 *   on the table.
 *
 * Position: `{ version, upTo, afterVersion, afterKey }`.
 */
export function changeTrackingStrategy(): CaptureStrategy {
  return {
    kind: 'change-tracking',
    parsePosition(position) {
      digits(position.version, 'version');
      if (position.upTo != null) digits(position.upTo, 'upTo');
      if (position.afterVersion != null) {
        digits(position.afterVersion, 'afterVersion');
        decodeRecord(position.afterKey as never);
      }
      return position;
    },
    async watermark(ctx) {
      const [row] = await ctx.db.query('SELECT CHANGE_TRACKING_CURRENT_VERSION() AS [version]');
      if (row?.version == null) {
        throw new FerryError(
          'FERRY_CONFIG_INVALID',
          `${ctx.table.capture.table}: change tracking is not enabled on the database: ALTER DATABASE … SET CHANGE_TRACKING = ON`,
          { location: { field: 'strategy.kind' } },
        );
      }
      return { version: String(row.version), upTo: null, afterVersion: null, afterKey: null };
    },
    async changes(ctx, position, limit) {
      const table = ctx.table.capture.table;
      try {
        return await inSnapshot(ctx, async (query) => {
          const [bounds] = await query(ctVersionsSql(), [objectName(ctx)]);
          const last = String(position.version);
          if (bounds?.min_valid == null) {
            throw new FerryError(
              'FERRY_CURSOR_EXPIRED',
              `${table}: change tracking is not enabled on the table (CHANGE_TRACKING_MIN_VALID_VERSION is NULL); changes since the cursor are lost; enable it and resnapshot`,
            );
          }
          if (BigInt(last) < BigInt(String(bounds.min_valid)))
            throw changeTrackingExpired(table, last, String(bounds.min_valid));
          const upTo = position.upTo == null ? String(bounds.current) : String(position.upTo);
          const statement = ctChangesStatement(ctx, position, upTo, limit);
          const rows = await query(statement.sql, statement.bindings);
          const changes = ctRowsToChanges(ctx, rows);
          if (rows.length < limit)
            return {
              changes,
              position: { version: upTo, upTo: null, afterVersion: null, afterKey: null },
              more: false,
            };
          const lastRow = rows[rows.length - 1]!;
          return {
            changes,
            position: {
              version: last,
              upTo,
              afterVersion: String(lastRow.__ferry_version),
              afterKey: encodeRecord(ctKey(ctx, lastRow)) as JsonValue,
            },
            more: true,
          };
        });
      } catch (err) {
        throw mapMssqlError(err, table);
      }
    },
    async preflight(ctx) {
      return [
        {
          check: 'strategy',
          ok: true,
          table: ctx.table.capture.table,
          message:
            'change-tracking: captures inserts, updates and deletes (net changes, by key); a cursor older than CHANGE_RETENTION expires',
        },
      ];
    },
  };
}

function digits(value: unknown, field: string): void {
  if (typeof value !== 'string' || !/^\d+$/.test(value))
    throw new TypeError(`\`${field}\` is not a change tracking version`);
}

function objectName(ctx: StrategyContext): string {
  return ctx.table.sqlName;
}

/** Version bounds, read inside the snapshot transaction. */
export function ctVersionsSql(): string {
  return 'SELECT CHANGE_TRACKING_CURRENT_VERSION() AS [current], CHANGE_TRACKING_MIN_VALID_VERSION(OBJECT_ID(?)) AS [min_valid]';
}

/**
 * The page of changes. CHANGETABLE's version argument cannot be an expression or a parameter marker
 * converted by CAST, so the (validated, digits-only) version is written as a literal.
 */
export function ctChangesStatement(
  ctx: StrategyContext,
  position: Position,
  upTo: string,
  limit: number,
): { sql: string; bindings: unknown[] } {
  const { table, dialect } = ctx;
  const q = dialect.quote;
  const version = String(position.version);
  if (!/^\d+$/.test(version)) throw new TypeError('version is not a number');
  const ctKeys = table.key.map((k) => ({ column: k, sql: `ct.${q(k.name)}` }));
  const keys = table.key
    .map((k, i) => `${dialect.selectColumn(k, `ct.${q(k.name)}`)} AS ${q(`__ferry_k${i}`)}`)
    .join(', ');
  const join = table.key.map((k) => `${table.ref('t', k)} = ct.${q(k.name)}`).join(' AND ');
  const after =
    position.afterVersion == null
      ? undefined
      : afterPredicate(dialect, [{ column: VERSION, sql: 'ct.SYS_CHANGE_VERSION' }, ...ctKeys], {
          ...decodeRecord(position.afterKey as never),
          [VERSION.name]: BigInt(String(position.afterVersion)),
        });
  const order = ['ct.SYS_CHANGE_VERSION', ...ctKeys.map((k) => k.sql)].join(', ');
  return {
    sql: `SELECT ct.SYS_CHANGE_VERSION AS [__ferry_version], ct.SYS_CHANGE_OPERATION AS [__ferry_op], ${keys}, CASE WHEN ${table.ref('t', table.key[0]!)} IS NULL THEN 0 ELSE 1 END AS [__ferry_found], ${table.selectList('t')} FROM CHANGETABLE(CHANGES ${table.sqlName}, ${version}) AS ct LEFT JOIN ${table.sqlName} t ON ${join} WHERE ct.SYS_CHANGE_VERSION <= CAST(? AS bigint)${after ? ` AND ${after.sql}` : ''} ORDER BY ${order} ${dialect.limit(limit)}`,
    bindings: [upTo, ...(after?.bindings ?? [])],
  };
}

function ctKey(ctx: StrategyContext, raw: RawRow): FerryRecord {
  const key: FerryRecord = {};
  ctx.table.key.forEach((k, i) => {
    key[k.name] = ctx.dialect.decode(raw[`__ferry_k${i}`], k);
  });
  return key;
}

/** CHANGETABLE rows → changes: `D` (or a row gone) → delete by key, `I`/`U` → upsert of the current row. */
export function ctRowsToChanges(ctx: StrategyContext, rows: readonly RawRow[]): Change[] {
  return rows.map((raw) => {
    const op = String(raw.__ferry_op).trim();
    const key = ctKey(ctx, raw);
    const position = `ct:${String(raw.__ferry_version)}`;
    if (op === 'D' || Number(raw.__ferry_found) !== 1) return { op: 'delete', key, position };
    return { op: 'upsert', key, row: ctx.table.decodeRow(raw), position };
  });
}
