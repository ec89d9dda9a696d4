// Oracle column types → Ferry types, and the exact text forms values are fetched in.
import type { ColumnType, SourceColumn } from '@ferry/sdk/connector';

/**
 * ALL_TAB_COLUMNS `DATA_TYPE`, `DATA_PRECISION`, `DATA_SCALE` → Ferry column type.
 * - `NUMBER` without precision (any scale, up to 38 digits) and `FLOAT(b)` → `decimal` (exact; fetched as text).
 * - `NUMBER(p,0)`: p ≤ 9 → `int`, p ≤ 19 → `bigint` (NUMBER(19,0) is how Java `long` ids are declared; its
 *   values are decoded to an exact JS bigint even beyond 2^63), larger → `decimal` with scale 0.
 * - `DATE` (it has a time of day, to the second) and `TIMESTAMP(n)` → `timestamp` without zone;
 *   `TIMESTAMP(n) WITH TIME ZONE` → `timestamptz` with the stored offset; `WITH LOCAL TIME ZONE` → `timestamptz` in UTC.
 */
export function columnTypeOf(dataType: string, precision: number | null, scale: number | null): ColumnType {
  const t = dataType.toUpperCase();
  if (t === 'NUMBER') {
    if (scale === 0 && precision !== null) {
      if (precision <= 9) return 'int';
      if (precision <= 19) return 'bigint';
    }
    return 'decimal';
  }
  if (t === 'FLOAT') return 'decimal';
  if (t === 'BINARY_FLOAT' || t === 'BINARY_DOUBLE') return 'float';
  if (t === 'VARCHAR2' || t === 'NVARCHAR2' || t === 'CHAR' || t === 'NCHAR') return 'string';
  if (t === 'CLOB' || t === 'NCLOB' || t === 'LONG') return 'text';
  if (t === 'DATE') return 'timestamp';
  if (/^TIMESTAMP\(\d\) WITH (LOCAL )?TIME ZONE$/.test(t)) return 'timestamptz';
  if (/^TIMESTAMP(\(\d\))?$/.test(t)) return 'timestamp';
  if (t === 'RAW' || t === 'BLOB' || t === 'LONG RAW') return 'binary';
  if (t === 'JSON') return 'json';
  if (t === 'BOOLEAN') return 'boolean';
  // INTERVAL …, ROWID, UROWID, XMLTYPE, SDO_GEOMETRY…: their text form.
  return 'other';
}

/** True for `TIMESTAMP WITH LOCAL TIME ZONE`: an instant normalized to the database zone. */
export function isLocalTimeZone(column: SourceColumn): boolean {
  return /WITH LOCAL TIME ZONE/i.test(column.nativeType);
}

/** Fraction digits of a date-time column: 0 for DATE, the declared scale for TIMESTAMP(n) (default 6). */
export function fractionDigits(column: SourceColumn): number {
  if (column.nativeType.toUpperCase() === 'DATE') return 0;
  return Math.min(9, Math.max(0, column.scale ?? 6));
}

function format(digits: number, zone: boolean): string {
  return `'YYYY-MM-DD HH24:MI:SS${digits > 0 ? `.FF${digits}` : ''}${zone ? 'TZH:TZM' : ''}'`;
}

/**
 * The select expression of a column. Date-times are turned into text by the database with an explicit
 * format, so neither the session's NLS settings nor node-oracledb's conversion to a JS `Date` (in the
 * client's zone) can shift or truncate them:
 * - `DATE` → `TO_CHAR(c, 'YYYY-MM-DD HH24:MI:SS')`
 * - `TIMESTAMP(n)` → `TO_CHAR(c, 'YYYY-MM-DD HH24:MI:SS.FFn')`
 * - `TIMESTAMP(n) WITH TIME ZONE` → the same plus `TZH:TZM` (the row's own offset, kept)
 * - `TIMESTAMP(n) WITH LOCAL TIME ZONE` → `SYS_EXTRACT_UTC(c)` formatted, plus `Z`
 * - `INTERVAL`, `ROWID`… → `TO_CHAR(c)`.
 * Numbers and LOBs are converted by the driver (see `fetchTypeHandler` in connector.ts).
 */
export function selectExpression(column: SourceColumn, sql: string): string {
  switch (column.type) {
    case 'timestamp':
      return `TO_CHAR(${sql}, ${format(fractionDigits(column), false)})`;
    case 'timestamptz':
      return isLocalTimeZone(column)
        ? `TO_CHAR(SYS_EXTRACT_UTC(${sql}), ${format(fractionDigits(column), false)}) || 'Z'`
        : `TO_CHAR(${sql}, ${format(fractionDigits(column), true)})`;
    case 'other':
      return /^(INTERVAL|ROWID|UROWID)/i.test(column.nativeType) ? `TO_CHAR(${sql})` : sql;
    default:
      return sql;
  }
}

/**
 * A parameter compared with a column: text converted by the database with the same explicit formats
 * ({@link selectExpression}), always with nine fraction digits and an offset (see `timestampParam`).
 */
export function paramExpression(column: SourceColumn): string {
  if (column.type === 'timestamp') {
    return column.nativeType.toUpperCase() === 'DATE'
      ? `TO_DATE(?, 'YYYY-MM-DD HH24:MI:SS')`
      : `TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS.FF9')`;
  }
  if (column.type === 'timestamptz') return `TO_TIMESTAMP_TZ(?, 'YYYY-MM-DD HH24:MI:SS.FF9TZH:TZM')`;
  return '?';
}

/**
 * Oracle NUMBER text as node-oracledb hands it out when fetched as a string (`.5`, `-1.25E+30`, `1e-7`
 * are possible forms) → plain decimal text (`0.5`, `-1250000000000000000000000000000`, `0.0000001`) that
 * `Decimal` accepts. Returns undefined for text that is not a number.
 */
export function normalizeNumberText(text: string): string | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const sign = m[1] === '-' ? '-' : '';
  let digits = `${m[2]}${m[3] ?? ''}`;
  let point = m[2]!.length + Number(m[4] ?? 0);
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits.padEnd(point, '0');
  let int = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  let frac = digits.slice(point).replace(/0+$/, '');
  if (int === '') int = '0';
  const body = frac === '' ? int : `${int}.${frac}`;
  frac = '';
  return /^0(\.0*)?$/.test(body) ? '0' : `${sign}${body}`;
}
