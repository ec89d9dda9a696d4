// Driver values → Ferry values, for drivers configured to return numbers and date-times as text.
import { DateOnly, Decimal, type FerryValue, Timestamp } from '../../changes/index.js';
import type { SourceColumn } from '../source.js';

const SQL_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/**
 * Parses a SQL date-time text (`2026-11-26 08:00:00.1234+08`, `…+05:30`, `…Z`, or without zone) into a
 * {@link Timestamp}, padding the fraction to `scale` digits so the column's precision shows. Returns
 * undefined for text it cannot represent (years beyond 9999, BC dates, `infinity`, second offsets).
 */
export function parseSqlTimestamp(text: string, scale?: number): Timestamp | undefined {
  const m = SQL_TIMESTAMP.exec(text);
  if (!m) return undefined;
  let fraction = m[7] ?? '';
  if (scale !== undefined && scale > fraction.length) fraction = fraction.padEnd(Math.min(scale, 9), '0');
  const zone = m[8] ? 'Z' : m[9] ? `${m[9]}${m[10]}:${m[11] ?? '00'}` : '';
  return new Timestamp(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${fraction ? `.${fraction}` : ''}${zone}`);
}

/**
 * Seconds since the epoch as decimal text (`1795939200.123456`) → a UTC {@link Timestamp} with exactly the
 * fraction digits given; used where a database hands instants out only as local times (MySQL TIMESTAMP).
 */
export function timestampFromEpochSeconds(text: string): Timestamp | undefined {
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) return undefined;
  const date = new Date(Number(m[1]) * 1000);
  if (Number.isNaN(date.getTime())) return undefined;
  return new Timestamp(`${date.toISOString().slice(0, 19)}${m[2] ? `.${m[2]}` : ''}Z`);
}

/** A {@link Timestamp} → SQL date-time text without the `T` (`2026-11-26 08:00:00.123456+08:00`). */
export function sqlTimestampText(ts: Timestamp, keepZone = true): string {
  const iso = ts.iso.replace('T', ' ');
  return keepZone ? iso : iso.replace(/(Z|[+-]\d{2}:\d{2})$/, '');
}

/** A UTC or offset {@link Timestamp} → seconds since the epoch as exact decimal text. */
export function epochSecondsText(ts: Timestamp): string {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(ts.iso);
  if (!m) throw new TypeError(`Timestamp ${ts.iso} has no zone`);
  const seconds = Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000);
  return m[2] ? `${seconds}.${m[2]}` : String(seconds);
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return String(value);
}

/**
 * The standard decoding of a driver value for a column type. Dialects call it for everything they do not
 * treat specially. Text that does not parse as its type is kept as text rather than lost.
 */
export function decodeSqlValue(value: unknown, column: SourceColumn): FerryValue {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number' || typeof value === 'bigint') return value !== 0 && value !== 0n;
      // MySQL BIT(1) arrives as one byte.
      if (value instanceof Uint8Array) return value.some((b) => b !== 0);
      return value === 't' || value === 'true' || value === '1';
    case 'int':
      return typeof value === 'number' ? value : Number(value);
    case 'bigint':
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number') return BigInt(value);
      return BigInt(toText(value));
    case 'decimal': {
      const text = toText(value);
      if (/^-?\d+(\.\d+)?$/.test(text)) return new Decimal(text);
      // PostgreSQL NUMERIC also holds NaN and ±Infinity.
      if (text === 'NaN') return Number.NaN;
      if (text === 'Infinity') return Number.POSITIVE_INFINITY;
      if (text === '-Infinity') return Number.NEGATIVE_INFINITY;
      return text;
    }
    case 'float':
      return typeof value === 'number' ? value : Number(toText(value));
    case 'date': {
      const text = toText(value);
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? new DateOnly(text) : text;
    }
    case 'timestamp':
    case 'timestamptz': {
      const text = toText(value);
      return parseSqlTimestamp(text, column.scale) ?? text;
    }
    case 'binary':
      if (value instanceof Uint8Array) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      return new Uint8Array(Buffer.from(toText(value), 'utf8'));
    case 'json':
      if (typeof value === 'string') {
        try {
          return JSON.parse(value) as FerryValue;
        } catch {
          return value;
        }
      }
      return value as FerryValue;
    default:
      return toText(value);
  }
}

/** The standard parameter value of a Ferry value compared with a column: text for exact numbers and times. */
export function encodeSqlParam(value: FerryValue, column: SourceColumn): unknown {
  if (value === null) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Decimal) return value.value;
  if (value instanceof Timestamp) return sqlTimestampText(value, column.type !== 'timestamp');
  if (value instanceof DateOnly) return value.iso;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}
