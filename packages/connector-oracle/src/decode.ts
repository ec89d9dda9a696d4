// Driver values → Ferry values for the shapes node-oracledb returns with the connector's fetch settings.
import { Decimal, type FerryValue, type Timestamp } from '@ferry/sdk/changes';
import { type SourceColumn, sqlDecoder } from '@ferry/sdk/connector';
import { FerryError } from '@ferry/sdk/errors';
import { normalizeNumberText } from './type-mapping.js';

/** Largest LOB value accepted by default: 64 MiB (characters for CLOB/NCLOB, bytes for BLOB). */
export const DEFAULT_MAX_LOB_BYTES = 64 * 1024 * 1024;

function isLob(value: unknown): boolean {
  // A node-oracledb Lob is a stream with `type` and `getData()`; fetched as-is when no fetch type applies.
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { getData?: unknown }).getData === 'function'
  );
}

/**
 * The decoder of one Oracle column. Expects what the connector's `fetchTypeHandler` makes node-oracledb
 * return: NUMBER as a string, CLOB/NCLOB as a string, BLOB as a Buffer, RAW as a Buffer (its default),
 * date-times as the text of {@link selectExpression}. A value in another shape (a JS `Date`, a `Lob`) means
 * the connection was not set up by the connector and is refused rather than guessed at.
 */
export function oracleDecoder(
  column: SourceColumn,
  maxLobBytes = DEFAULT_MAX_LOB_BYTES,
): (value: unknown) => FerryValue {
  const refuse = (value: unknown, what: string): never => {
    throw new FerryError(
      'FERRY_SOURCE_UNAVAILABLE',
      `${column.name} (${column.nativeType}) arrived as ${what}; create the knex instance with oracleKnexConfig() so values are fetched as text`,
      { details: { column: column.name, got: Object.prototype.toString.call(value) } },
    );
  };
  const tooLarge = (length: number): never => {
    throw new FerryError(
      'FERRY_SOURCE_UNAVAILABLE',
      `${column.name} (${column.nativeType}) holds ${length} units, above maxLobBytes ${maxLobBytes}; raise maxLobBytes or exclude the column`,
      { details: { column: column.name, length } },
    );
  };
  const base = sqlDecoder(column);
  switch (column.type) {
    case 'decimal':
    case 'bigint':
    case 'int': {
      const scale = column.type === 'decimal' && column.precision !== undefined ? (column.scale ?? 0) : 0;
      return (value) => {
        if (value === null || value === undefined) return null;
        if (typeof value === 'number' && column.type !== 'int') refuse(value, 'a JS number');
        const text = normalizeNumberText(String(value));
        if (text === undefined) return String(value);
        if (column.type === 'int') return Number(text);
        if (column.type === 'bigint') return text.includes('.') ? new Decimal(text) : BigInt(text);
        if (scale <= 0) return new Decimal(text);
        const [int, frac = ''] = text.split('.');
        return new Decimal(`${int}.${frac.padEnd(scale, '0')}`);
      };
    }
    case 'timestamp':
    case 'timestamptz':
      return (value) => {
        if (value instanceof Date) refuse(value, 'a JS Date (its zone is the client process zone)');
        const v = base(value);
        return v;
      };
    case 'text':
    case 'string':
      return (value) => {
        if (value === null || value === undefined) return null;
        if (isLob(value)) refuse(value, 'a Lob');
        const text = String(value);
        if (text.length > maxLobBytes) tooLarge(text.length);
        return text;
      };
    case 'binary':
      return (value) => {
        if (value === null || value === undefined) return null;
        if (isLob(value)) refuse(value, 'a Lob');
        if (!(value instanceof Uint8Array)) refuse(value, typeof value);
        const bytes = value as Uint8Array;
        if (bytes.byteLength > maxLobBytes) tooLarge(bytes.byteLength);
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      };
    case 'boolean':
      return (value) => (value === null || value === undefined ? null : Boolean(value));
    default:
      return base;
  }
}

/** A Ferry timestamp → the text `paramExpression` converts: nine fraction digits, and an offset when zoned. */
export function oracleTimestampText(ts: Timestamp, withZone: boolean, date = false): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/.exec(ts.iso);
  if (!m) throw new TypeError(`Timestamp ${ts.iso} cannot be written for Oracle`);
  const base = `${m[1]} ${m[2]}`;
  if (date) return base;
  const fraction = (m[3] ?? '').padEnd(9, '0').slice(0, 9);
  const zone = m[4] === 'Z' ? '+00:00' : (m[4] ?? '');
  return `${base}.${fraction}${withZone ? zone || '+00:00' : ''}`;
}
