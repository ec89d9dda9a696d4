import { decodeValue, encodeValue, type FerryValue } from '../../changes/index.js';
import { FerryError } from '../../errors/index.js';
import type { JsonValue } from '../checkpoint.js';
import type { IncrementingStrategyConfig, PreflightCheck, SourceColumn } from '../source.js';
import { changeList, eachUpsert } from '../sql/change-list.js';
import { GapTracker, gapPredicate, parseGaps } from './gaps.js';
import type { CaptureStrategy, StrategyContext } from './strategy.js';

const DEFAULT_GRACE_MS = 5 * 60_000;
/** Rows below the highest id re-read after a snapshot, to catch inserts still in flight when it started. */
const WATERMARK_WINDOW = 1000;

/**
 * **Incrementing key**: reads rows whose increasing column (an auto-increment or sequence id) is above the
 * last one read, in order.
 *
 * - Sees: inserts.
 * - Misses: updates and deletes (the id does not change), `TRUNCATE`; rows inserted with an id below the
 *   last one read *after* it was read.
 * - Late commits: ids are allocated at insert but become visible at commit, so a lower id can appear after
 *   a higher one was read. For integer columns every id skipped over is kept as a gap in the cursor and
 *   looked for again on each read until it appears or `graceMs` (default 5 minutes) passes — a
 *   transaction open longer than that, or an id of a rolled-back insert, is then given up.
 * - Hand-over from a snapshot: the watermark is set below the top 1000 rows, so inserts in flight when the
 *   snapshot started are read again rather than missed.
 *
 * Position: `{ last: <encoded value> | null, gaps: [[lo, hi, since], …] }`.
 */
export function incrementingStrategy(): CaptureStrategy {
  return {
    kind: 'incrementing',
    parsePosition(position) {
      if (!('last' in position)) throw new TypeError('position has no `last`');
      if (position.last !== null) decodeValue(position.last);
      parseGaps(position.gaps);
      return position;
    },
    async watermark(ctx) {
      const { table, db, dialect } = ctx;
      const column = incrementingColumn(ctx);
      const col = table.ref('t', column);
      if (isInteger(column)) {
        const rows = await db.query(
          `SELECT ${dialect.selectColumn(column, col)} AS v FROM ${table.sqlName} t WHERE ${col} IS NOT NULL ORDER BY ${col} DESC ${dialect.limit(WATERMARK_WINDOW)}`,
        );
        if (rows.length === 0) return { last: null, gaps: [] };
        const low = toBigInt(dialect.decode(rows[rows.length - 1]!.v, column));
        return {
          last: encodeValue(column.type === 'int' ? Number(low - 1n) : low - 1n) as JsonValue,
          gaps: [],
        };
      }
      const rows = await db.query(`SELECT max(${col}) AS v FROM ${table.sqlName} t`);
      const max = dialect.decode(rows[0]?.v ?? null, column);
      return { last: max === null ? null : (encodeValue(max) as JsonValue), gaps: [] };
    },
    async changes(ctx, position, limit) {
      const { table, db, dialect } = ctx;
      const column = incrementingColumn(ctx);
      const config = table.capture.strategy as IncrementingStrategyConfig;
      const graceMs = config.graceMs ?? DEFAULT_GRACE_MS;
      const col = table.ref('t', column);
      const last = position.last === null || position.last === undefined ? null : decodeValue(position.last);
      const integer = isInteger(column) && graceMs > 0;
      const tracker = integer
        ? new GapTracker(parseGaps(position.gaps), last === null ? -1n : toBigInt(last), ctx.now())
        : undefined;
      const changes = changeList(ctx, limit);
      // Each row's value of the column, for the gap tracker and the new position.
      const read = (sql: string, bindings: readonly unknown[], onValue: (value: FerryValue) => void) =>
        eachUpsert(db, dialect, table, sql, bindings, changes, { column: column.name, onValue });

      const gaps = parseGaps(position.gaps);
      if (tracker && gaps.length > 0) {
        const p = gapPredicate(col, dialect.param(column), gaps);
        await read(
          `SELECT ${table.selectList('t')} FROM ${table.sqlName} t WHERE ${p.sql} ORDER BY ${col} ${dialect.limit(limit)}`,
          p.bindings.map((b) => dialect.encodeParam(BigInt(b), column)),
          (value) => tracker.fill(toBigInt(value)),
        );
      }

      const want = Math.max(1, limit - changes.length);
      const where = last === null ? `${col} IS NOT NULL` : `${col} > ${dialect.param(column)}`;
      let newLast: FerryValue = last;
      const { count: rows } = await read(
        `SELECT ${table.selectList('t')} FROM ${table.sqlName} t WHERE ${where} ORDER BY ${col} ${dialect.limit(want)}`,
        last === null ? [] : [dialect.encodeParam(last, column)],
        (value) => {
          newLast = value;
          tracker?.forward(toBigInt(newLast));
        },
      );
      return changes.into({
        position: {
          last: newLast === null ? null : (encodeValue(newLast) as JsonValue),
          gaps: tracker ? tracker.result(graceMs) : [],
        },
        more: rows === want,
      });
    },
    async preflight(ctx) {
      const column = incrementingColumn(ctx);
      const checks: PreflightCheck[] = [
        {
          check: 'strategy',
          ok: true,
          table: ctx.table.capture.table,
          message: `incrementing on \`${column.name}\`: captures inserts; updates and deletes are not seen`,
        },
      ];
      if (!['int', 'bigint', 'decimal', 'string', 'timestamp', 'timestamptz'].includes(column.type)) {
        checks.push({
          check: 'incrementing-column',
          ok: false,
          table: ctx.table.capture.table,
          message: `\`${column.name}\` (${column.nativeType}) cannot serve as an increasing column: choose an integer id column`,
        });
      }
      if (column.nullable) {
        checks.push({
          check: 'incrementing-column',
          ok: false,
          severity: 'warning',
          table: ctx.table.capture.table,
          message: `\`${column.name}\` is nullable: rows where it is NULL are never captured incrementally`,
        });
      }
      if (ctx.table.meta.indexedColumns && !ctx.table.meta.indexedColumns.includes(column.name)) {
        checks.push({
          check: 'incrementing-index',
          ok: false,
          severity: 'warning',
          table: ctx.table.capture.table,
          message: `\`${column.name}\` leads no index: every poll scans the table; create an index on it`,
        });
      }
      return checks;
    },
  };
}

function incrementingColumn(ctx: StrategyContext): SourceColumn {
  const config = ctx.table.capture.strategy as IncrementingStrategyConfig;
  if (config.column) return ctx.table.column(config.column);
  if (ctx.table.key.length !== 1) {
    throw new FerryError(
      'FERRY_CONFIG_INVALID',
      `${ctx.table.capture.table}: the key has ${ctx.table.key.length} columns; set strategy.column to the increasing one`,
      { location: { field: 'strategy.column' } },
    );
  }
  return ctx.table.key[0]!;
}

function isInteger(column: SourceColumn): boolean {
  return column.type === 'int' || column.type === 'bigint';
}

function toBigInt(value: FerryValue): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  return BigInt(String(value));
}
