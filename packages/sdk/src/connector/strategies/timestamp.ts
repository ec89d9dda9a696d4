import { decodeRecord, decodeValue, encodeRecord, encodeValue } from '../../changes/index.js';
import type { JsonValue } from '../checkpoint.js';
import type { PreflightCheck, SourceColumn, TimestampStrategyConfig } from '../source.js';
import { changeList, eachUpsert } from '../sql/change-list.js';
import { afterPredicate } from '../sql/keyset.js';
import type { CaptureStrategy, StrategyContext } from './strategy.js';

const DEFAULT_LAG_MS = 5000;

/**
 * **Timestamp with a safety lag and key tie-break**: reads rows whose update timestamp column (set by the
 * application on every insert and update) is after the last one read, ordered by `(timestamp, key)`:
 *
 * ```sql
 * WHERE (ts, key) > (:lastTs, :lastKey) AND ts <= now_db - :lag ORDER BY ts, key LIMIT :n
 * ```
 *
 * - Sees: inserts and updates that set the column.
 * - Misses: deletes; updates that do not touch the column; rows whose column is NULL; `TRUNCATE`.
 * - Late commits — why the lag exists: a transaction stamps its rows when it writes them but they become
 *   visible only at commit. Reading only rows at least `lagMs` behind the database clock means a row
 *   stamped at T is read no earlier than T + lag; if its transaction committed by then it is seen. **A
 *   transaction that commits more than `lagMs` after stamping a row (or a writer whose clock runs more than
 *   `lagMs` behind the database's) is missed**: the cursor has already moved past its timestamp. Choose
 *   the lag above the longest write transaction.
 * - Many rows with one timestamp: the key breaks the tie, so a batch may end in the middle of them and the
 *   next one continues after the last key — nothing is read twice or skipped, whatever the batch size.
 * - Hand-over from a snapshot: the watermark is the database clock minus the lag when the snapshot starts.
 *
 * Position: `{ ts: <encoded timestamp> | null, key: <encoded key> | null }`; `key: null` means every row
 * at `ts` is still to be read.
 */
export function timestampStrategy(): CaptureStrategy {
  return {
    kind: 'timestamp',
    parsePosition(position) {
      if (!('ts' in position)) throw new TypeError('position has no `ts`');
      if (position.ts !== null) decodeValue(position.ts);
      if (position.key !== null && position.key !== undefined) decodeRecord(position.key);
      return position;
    },
    async watermark(ctx) {
      const column = timestampColumn(ctx);
      const lag = lagOf(ctx);
      const rows = await ctx.db.query(
        `SELECT ${ctx.dialect.selectClockMinus(column, lag)} AS w${ctx.dialect.selectWithoutTable ?? ''}`,
      );
      const w = ctx.dialect.decode(rows[0]?.w ?? null, column);
      return { ts: w === null ? null : (encodeValue(w) as JsonValue), key: null };
    },
    async changes(ctx, position, limit) {
      const { table, dialect, db } = ctx;
      const column = timestampColumn(ctx);
      const tsSql = table.ref('t', column);
      const lastTs = position.ts === null || position.ts === undefined ? null : decodeValue(position.ts);
      const lastKey = position.key === null || position.key === undefined ? null : decodeRecord(position.key);
      const keyCols = table.key.map((c) => ({ column: c, sql: table.ref('t', c) }));
      let where: string;
      let bindings: unknown[] = [];
      if (lastTs === null) where = `${tsSql} IS NOT NULL`;
      else if (lastKey === null) {
        where = `${tsSql} >= ${dialect.param(column)}`;
        bindings = [dialect.encodeParam(lastTs, column)];
      } else {
        const p = afterPredicate(dialect, [{ column, sql: tsSql }, ...keyCols], {
          ...lastKey,
          [column.name]: lastTs,
        });
        where = p.sql;
        bindings = p.bindings;
      }
      const order = [tsSql, ...keyCols.map((k) => k.sql)].join(', ');
      const changes = changeList(ctx, limit);
      const { count: rows, last } = await eachUpsert(
        db,
        dialect,
        table,
        `SELECT ${table.selectList('t')} FROM ${table.sqlName} t WHERE ${where} AND ${tsSql} <= ${dialect.clockMinus(column.type, lagOf(ctx))} ORDER BY ${order} ${dialect.limit(limit)}`,
        bindings,
        changes,
      );
      return changes.into({
        position: last
          ? {
              ts: encodeValue(last[column.name] ?? null) as JsonValue,
              key: encodeRecord(table.keyOf(last)) as JsonValue,
            }
          : position,
        more: rows === limit,
      });
    },
    async preflight(ctx) {
      const table = ctx.table.capture.table;
      const config = ctx.table.capture.strategy as TimestampStrategyConfig;
      const column = ctx.table.meta.columns.find((c) => c.name === config.column);
      if (!column) {
        return [
          {
            check: 'timestamp-column',
            ok: false,
            table,
            message: `timestamp column \`${config.column}\` does not exist: set strategy.column to the column updated on every write`,
          },
        ];
      }
      const checks: PreflightCheck[] = [
        {
          check: 'strategy',
          ok: true,
          table,
          message: `timestamp on \`${column.name}\` with a ${lagOf(ctx)} ms lag: captures inserts and updates; deletes are not seen; a transaction committing more than the lag after writing is missed`,
        },
      ];
      if (column.type !== 'timestamp' && column.type !== 'timestamptz') {
        checks.push({
          check: 'timestamp-column',
          ok: false,
          table,
          message: `\`${column.name}\` is ${column.nativeType}, not a date-time: choose a timestamp column or another strategy`,
        });
      }
      if (column.nullable) {
        checks.push({
          check: 'timestamp-column',
          ok: false,
          severity: 'warning',
          table,
          message: `\`${column.name}\` is nullable: rows where it is NULL are captured by the snapshot only`,
        });
      }
      if (ctx.table.meta.indexedColumns && !ctx.table.meta.indexedColumns.includes(column.name)) {
        checks.push({
          check: 'timestamp-index',
          ok: false,
          severity: 'warning',
          table,
          message: `\`${column.name}\` leads no index: every poll scans the table; CREATE INDEX ON ${table} (${column.name})`,
        });
      }
      return checks;
    },
  };
}

function timestampColumn(ctx: StrategyContext): SourceColumn {
  return ctx.table.column((ctx.table.capture.strategy as TimestampStrategyConfig).column);
}

function lagOf(ctx: StrategyContext): number {
  return (ctx.table.capture.strategy as TimestampStrategyConfig).lagMs ?? DEFAULT_LAG_MS;
}
