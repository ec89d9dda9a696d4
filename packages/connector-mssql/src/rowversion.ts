import type { Change } from '@ferry/sdk/changes';
import type { CaptureStrategy, PreflightCheck, StrategyContext } from '@ferry/sdk/connector';

/** Configuration of the `rowversion` strategy (a `kind` of its own; cast when typing `CaptureTable.strategy`). */
export interface RowversionStrategyConfig {
  kind: 'rowversion';
  /** The `rowversion` (`timestamp`) column. */
  column: string;
}

const HEX = /^0x[0-9A-F]{16}$/i;

/** `0x…` + 1, as a rowversion (binary(8)) literal. */
export function nextRowversion(hex: string): string {
  return `0x${(BigInt(hex) + 1n).toString(16).toUpperCase().padStart(16, '0')}`;
}

/**
 * **rowversion**: rows whose `rowversion` column (set by SQL Server on every insert and update, unique in
 * the database) is at or above the next value to read and below `MIN_ACTIVE_ROWVERSION()` — values at or
 * above it may belong to transactions not yet committed, which would otherwise be skipped when they commit
 * ("MIN_ACTIVE_ROWVERSION", https://learn.microsoft.com/sql/t-sql/functions/min-active-rowversion-transact-sql):
 *
 * ```sql
 * SELECT … FROM t WHERE rv >= @from AND rv < MIN_ACTIVE_ROWVERSION() ORDER BY rv
 * ```
 *
 * - Sees: inserts and updates. Misses: deletes, TRUNCATE.
 * - Values are unique, so paging needs no key tie-break. Index the column for cheap polls.
 *
 * Position: `{ from: "0x…" }`.
 */
export function rowversionStrategy(): CaptureStrategy {
  return {
    kind: 'rowversion',
    parsePosition(position) {
      if (typeof position.from !== 'string' || !HEX.test(position.from))
        throw new TypeError('`from` is not a rowversion');
      return position;
    },
    async watermark(ctx) {
      const [row] = await ctx.db.query(
        `SELECT CONVERT(varchar(18), CAST(MIN_ACTIVE_ROWVERSION() AS binary(8)), 1) AS [from]`,
      );
      return { from: String(row?.from) };
    },
    async changes(ctx, position, limit) {
      const { sql, bindings } = rowversionStatement(ctx, String(position.from), limit);
      const rows = await ctx.db.query(sql, bindings);
      const changes: Change[] = rows.map((raw) => {
        const row = ctx.table.decodeRow(raw);
        return { op: 'upsert', key: ctx.table.keyOf(row), row, position: `rv:${String(raw.__ferry_rv)}` };
      });
      const last = rows.at(-1);
      return {
        changes,
        position: last ? { from: nextRowversion(String(last.__ferry_rv)) } : position,
        more: rows.length === limit,
      };
    },
    async preflight(ctx) {
      const table = ctx.table.capture.table;
      const name = (ctx.table.capture.strategy as unknown as RowversionStrategyConfig).column;
      const column = ctx.table.meta.columns.find((c) => c.name === name);
      const checks: PreflightCheck[] = [
        {
          check: 'strategy',
          ok: true,
          table,
          message: `rowversion on \`${name}\`: captures inserts and updates; deletes are not seen`,
        },
      ];
      if (!column || !/^(timestamp|rowversion)$/i.test(column.nativeType)) {
        checks.push({
          check: 'rowversion-column',
          ok: false,
          table,
          message: `\`${name}\` is ${column ? column.nativeType : 'missing'}, not a rowversion column: ALTER TABLE ${table} ADD ${name} rowversion`,
        });
      }
      return checks;
    },
  };
}

/** The read of one page. */
export function rowversionStatement(
  ctx: StrategyContext,
  from: string,
  limit: number,
): { sql: string; bindings: unknown[] } {
  const { table, dialect } = ctx;
  const rv = table.ref('t', (ctx.table.capture.strategy as unknown as RowversionStrategyConfig).column);
  return {
    sql: `SELECT ${table.selectList('t')}, CONVERT(varchar(18), ${rv}, 1) AS [__ferry_rv] FROM ${table.sqlName} t WHERE ${rv} >= CONVERT(binary(8), ?, 1) AND ${rv} < MIN_ACTIVE_ROWVERSION() ORDER BY ${rv} ${dialect.limit(limit)}`,
    bindings: [from],
  };
}
