import {
  type CaptureTable,
  type ColumnType,
  encodeSqlParam,
  type PreflightCheck,
  type SourceColumn,
  type SourceTable,
  type SqlDb,
  type SqlDialect,
  sqlDecoder,
} from '@ferry/sdk/connector';
import { mssqlChangelog, quoteIdent } from './changelog.js';
import { discoverMssql } from './discover.js';
import { mssqlOwnPreflight } from './preflight.js';
import { paramExpression, selectExpression } from './type-mapping.js';

function clockMinus(type: ColumnType, ms: number): string {
  // SYSDATETIME is the server's local wall clock (datetime2(7)); SYSDATETIMEOFFSET the same with its offset.
  const clock = type === 'timestamp' ? 'SYSDATETIME()' : 'SYSDATETIMEOFFSET()';
  return `DATEADD(millisecond, -${Math.max(0, Math.round(ms))}, ${clock})`;
}

function decoder(column: SourceColumn) {
  const base = sqlDecoder(column);
  if (column.type === 'decimal' || column.type === 'timestamp' || column.type === 'timestamptz') {
    // Selected as text (selectExpression); a number or Date here means a query bypassed it: refuse to guess.
    return (value: unknown) => {
      if (typeof value === 'number' || value instanceof Date) {
        throw new TypeError(
          `${column.name} (${column.nativeType}) arrived as a ${typeof value === 'number' ? 'JS number' : 'JS Date'}, which cannot hold it exactly`,
        );
      }
      return base(value);
    };
  }
  if (column.type === 'uuid')
    return (value: unknown) => (value === null || value === undefined ? null : String(value));
  return base;
}

/**
 * The SQL Server dialect of the SQL connector framework, on knex's `mssql` client (tedious). Exact numbers
 * and date-times are selected as text ({@link selectExpression}); bigint arrives as a string from tedious.
 */
export const mssqlDialect: SqlDialect = {
  name: 'mssql',
  quote: quoteIdent,
  rows(result) {
    return (Array.isArray(result) ? result : []) as Record<string, unknown>[];
  },
  limit: (n) => `OFFSET 0 ROWS FETCH NEXT ${Math.trunc(n)} ROWS ONLY`,
  rowValueComparison: false,
  discover: discoverMssql,
  selectColumn: selectExpression,
  decoder,
  decode: (value, column) => decoder(column)(value),
  param: paramExpression,
  encodeParam: encodeSqlParam,
  binaryOrder(column: SourceColumn, sql: string) {
    // Code point order whatever the column's collation and code page: compare as Unicode with a BIN2 collation.
    return column.type === 'string' || column.type === 'text'
      ? `CAST(${sql} AS nvarchar(max)) COLLATE Latin1_General_100_BIN2`
      : sql;
  },
  clockMinus,
  selectClockMinus: (column, ms) => selectExpression(column, clockMinus(column.type, ms)),
  changelog: mssqlChangelog,
  async preflight(db: SqlDb, table: SourceTable, capture: CaptureTable): Promise<PreflightCheck[]> {
    return mssqlOwnPreflight(db, table, capture);
  },
  async statisticsRowCount(db: SqlDb, table: SourceTable): Promise<number | undefined> {
    const [row] = await db.query(
      `SELECT SUM(p.rows) AS [n] FROM sys.partitions p WHERE p.object_id = OBJECT_ID(?) AND p.index_id IN (0, 1)`,
      [`${quoteIdent(table.schema ?? 'dbo')}.${quoteIdent(table.name.split('.').pop()!)}`],
    );
    const n = Number(row?.n ?? Number.NaN);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  },
  isUndefinedColumn(err) {
    // 207: Invalid column name.
    return (err as { number?: number } | undefined)?.number === 207;
  },
};
