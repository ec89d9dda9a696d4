// SQL Server column types → Ferry types, and the exact text forms values are selected in.
import type { ColumnType, SourceColumn } from '@ferry/sdk/connector';

/** sys.types name → Ferry column type. */
export function columnTypeOf(dataType: string): ColumnType {
  switch (dataType.toLowerCase()) {
    case 'tinyint':
    case 'smallint':
    case 'int':
      return 'int';
    case 'bigint':
      return 'bigint';
    case 'decimal':
    case 'numeric':
    case 'money':
    case 'smallmoney':
      return 'decimal';
    case 'float':
    case 'real':
      return 'float';
    case 'bit':
      return 'boolean';
    case 'char':
    case 'varchar':
    case 'nchar':
    case 'nvarchar':
      return 'string';
    case 'text':
    case 'ntext':
    case 'xml':
      return 'text';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'datetime':
    case 'datetime2':
    case 'smalldatetime':
      return 'timestamp';
    case 'datetimeoffset':
      return 'timestamptz';
    case 'binary':
    case 'varbinary':
    case 'image':
    case 'timestamp':
    case 'rowversion':
      return 'binary';
    case 'uniqueidentifier':
      return 'uuid';
    default:
      // sql_variant, hierarchyid, geography, geometry, user types: text forms.
      return 'other';
  }
}

function base(column: SourceColumn): string {
  return column.nativeType.toLowerCase().replace(/\(.*$/, '').trim();
}

/**
 * The select expression of a column. tedious returns decimal/numeric/money as JS numbers and every
 * date-time as a JS `Date` (millisecond precision, shifted by `useUTC`) — see the table in tedious
 * `src/data-type.ts` ("JavaScript" column: decimal → number, datetime2 → Date). So the database makes text:
 * - decimal/numeric → `CONVERT(varchar(50), c)` (all digits, the column's scale);
 * - money/smallmoney → `CONVERT(varchar(30), c, 2)` (style 2: four decimals, no separators);
 * - datetime2(n)/datetime/smalldatetime → `CONVERT(varchar(27), c, 121)` (`yyyy-mm-dd hh:mi:ss.fffffff`, the
 *   column's own fraction digits — all seven for datetime2(7));
 * - datetimeoffset(n) → the local part as above plus `DATENAME(tzoffset, c)` (`+08:00`), so the offset is kept;
 * - date → `CONVERT(char(10), c, 23)` (`yyyy-mm-dd`), time → `CONVERT(varchar(16), c)` (`hh:mi:ss.fffffff`);
 * - sql_variant, hierarchyid, geography, geometry → `CONVERT(nvarchar(max), c)` / `.ToString()`.
 * (CAST and CONVERT, Transact-SQL: https://learn.microsoft.com/sql/t-sql/functions/cast-and-convert-transact-sql)
 * bigint arrives as a string from tedious and is left alone; binary as a Buffer; bit as a boolean.
 */
export function selectExpression(column: SourceColumn, sql: string): string {
  const t = base(column);
  switch (t) {
    case 'decimal':
    case 'numeric':
      return `CONVERT(varchar(50), ${sql})`;
    case 'money':
    case 'smallmoney':
      return `CONVERT(varchar(30), ${sql}, 2)`;
    case 'datetime2':
    case 'datetime':
    case 'smalldatetime':
      return `CONVERT(varchar(27), ${sql}, 121)`;
    case 'datetimeoffset':
      return `CONVERT(varchar(27), CAST(${sql} AS datetime2(${column.scale ?? 7})), 121) + DATENAME(tzoffset, ${sql})`;
    case 'date':
      return `CONVERT(char(10), ${sql}, 23)`;
    case 'time':
      return `CONVERT(varchar(16), ${sql})`;
    case 'hierarchyid':
    case 'geography':
    case 'geometry':
      return `${sql}.ToString()`;
    case 'sql_variant':
      return `CONVERT(nvarchar(4000), ${sql})`;
    default:
      return sql;
  }
}

/** A parameter compared with a column, converted by the database from the text Ferry binds. */
export function paramExpression(column: SourceColumn): string {
  const t = base(column);
  switch (t) {
    case 'bigint':
      return 'CAST(? AS bigint)';
    case 'decimal':
    case 'numeric':
      return `CAST(? AS decimal(${column.precision ?? 38}, ${column.scale ?? 0}))`;
    case 'money':
      return 'CAST(? AS money)';
    case 'smallmoney':
      return 'CAST(? AS smallmoney)';
    case 'datetime2':
      return `CAST(? AS datetime2(${column.scale ?? 7}))`;
    case 'datetime':
      return 'CAST(? AS datetime)';
    case 'smalldatetime':
      return 'CAST(? AS smalldatetime)';
    case 'datetimeoffset':
      return `CAST(? AS datetimeoffset(${column.scale ?? 7}))`;
    case 'date':
      return 'CAST(? AS date)';
    case 'uniqueidentifier':
      return 'CAST(? AS uniqueidentifier)';
    case 'varchar':
    case 'char':
      // A varchar key compared with an nvarchar parameter would convert the column (no index seek).
      return `CAST(? AS ${t}(${column.length && column.length > 0 ? column.length : 'max'}))`;
    default:
      return '?';
  }
}
