// Driver values → Ferry values, for drivers configured to return numbers and date-times as text.
import { DateOnly, Decimal, type FerryValue, Timestamp } from '../../changes/index.js';
import {
  isDecimalText,
  isDigit,
  isIsoDate,
  isIsoDateAt,
  isIsoTimeAt,
  timestampOfCheckedIso,
} from '../../changes/values.js';
import type { SourceColumn } from '../source.js';

/**
 * Parses a SQL date-time text (`2026-11-26 08:00:00.1234+08`, `…+05:30`, `…+0530`, `…Z`, or without zone)
 * into a {@link Timestamp}, padding the fraction to `scale` digits so the column's precision shows.
 * Returns undefined for text it cannot represent (years beyond 9999, BC dates, `infinity`, offsets with
 * seconds). Written without a regular expression, checking the source text as it goes: it runs for every
 * date-time of every row.
 */
export function parseSqlTimestamp(text: string, scale?: number): Timestamp | undefined {
  const sep = text.charCodeAt(10);
  if (text.length < 19 || (sep !== 32 && sep !== 84)) return undefined;
  // `dddd-dd-dd` `dd:dd:dd`: what the Timestamp constructor would check of the text built below.
  if (!isIsoDateAt(text, 0) || !isIsoTimeAt(text, 11)) return undefined;
  let i = 19;
  let digits = 0;
  if (text.charCodeAt(19) === 46) {
    i = 20;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    digits = i - 20;
  }
  if (digits > 9) return undefined;
  const width = scale !== undefined && scale > digits ? Math.min(scale, 9) : digits;
  // The ISO text is written into a scratch buffer and made a string in one piece: strings put together from
  // slices are ropes, several objects each that survive with the row and are flattened when encoded.
  const out = isoScratch;
  for (let k = 0; k < 19; k++) out[k] = text.charCodeAt(k);
  out[10] = 84; // T
  let p = 19;
  // A `.` without digits is dropped (unless padding brings digits).
  if (width > 0) {
    out[p++] = 46;
    for (let k = 20; k < i; k++) out[p++] = text.charCodeAt(k);
    for (let k = digits; k < width; k++) out[p++] = 48;
  }
  const rest = text.length - i;
  if (rest > 0) {
    const sign = text.charCodeAt(i);
    if (sign === 90 && rest === 1) out[p++] = 90;
    else if (
      (sign !== 43 && sign !== 45) ||
      !isDigit(text.charCodeAt(i + 1)) ||
      !isDigit(text.charCodeAt(i + 2))
    )
      return undefined;
    else {
      out[p++] = sign;
      out[p++] = text.charCodeAt(i + 1);
      out[p++] = text.charCodeAt(i + 2);
      out[p++] = 58; // :
      if (rest === 3) {
        out[p++] = 48;
        out[p++] = 48;
      } else {
        // `+0530` or `+05:30`
        const m = rest === 5 ? i + 3 : rest === 6 && text.charCodeAt(i + 3) === 58 ? i + 4 : -1;
        if (m < 0 || !isDigit(text.charCodeAt(m)) || !isDigit(text.charCodeAt(m + 1))) return undefined;
        out[p++] = text.charCodeAt(m);
        out[p++] = text.charCodeAt(m + 1);
      }
    }
  }
  return timestampOfCheckedIso(latin1(out, p));
}

/** Where parseSqlTimestamp writes the ISO text (at most 35 characters). */
const isoScratch = Buffer.allocUnsafeSlow(64);
type Latin1Slicing = Buffer & { latin1Slice?(start: number, end: number): string };
/** `buf.toString('latin1', 0, end)`, through Node's `latin1Slice` when present (it skips the encoding switch). */
const latin1: (buf: Buffer, end: number) => string =
  typeof (isoScratch as Latin1Slicing).latin1Slice === 'function'
    ? (buf, end) => (buf as Latin1Slicing).latin1Slice!(0, end)
    : (buf, end) => buf.toString('latin1', 0, end);

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

/** Converts one driver value of a column to a Ferry value. */
export type SqlValueDecoder = (value: unknown) => FerryValue;

/**
 * The standard decoder for a column, specialized once per column (decoding runs for every value of every
 * row, so the type is switched on here rather than per value). Text that does not parse as its type is
 * kept as text rather than lost.
 */
export function sqlDecoder(column: SourceColumn): SqlValueDecoder {
  switch (column.type) {
    case 'boolean':
      return (value) => {
        if (value === null || value === undefined) return null;
        if (typeof value === 'boolean') return value;
        if (typeof value === 'number' || typeof value === 'bigint') return value !== 0 && value !== 0n;
        // MySQL BIT(1) arrives as one byte.
        if (value instanceof Uint8Array) return value.some((b) => b !== 0);
        return value === 't' || value === 'true' || value === '1';
      };
    case 'int':
      return (value) =>
        value === null || value === undefined ? null : typeof value === 'number' ? value : Number(value);
    case 'bigint':
      return (value) => {
        if (value === null || value === undefined) return null;
        if (typeof value === 'bigint') return value;
        return BigInt(typeof value === 'number' ? value : toText(value));
      };
    case 'decimal':
      return (value) => {
        if (value === null || value === undefined) return null;
        const text = toText(value);
        if (isDecimalText(text)) return new Decimal(text);
        // PostgreSQL NUMERIC also holds NaN and ±Infinity.
        if (text === 'NaN') return Number.NaN;
        if (text === 'Infinity') return Number.POSITIVE_INFINITY;
        if (text === '-Infinity') return Number.NEGATIVE_INFINITY;
        return text;
      };
    case 'float':
      return (value) =>
        value === null || value === undefined
          ? null
          : typeof value === 'number'
            ? value
            : Number(toText(value));
    case 'date':
      return (value) => {
        if (value === null || value === undefined) return null;
        const text = toText(value);
        return isIsoDate(text) ? new DateOnly(text) : text;
      };
    case 'timestamp':
    case 'timestamptz': {
      const scale = column.scale;
      return (value) => {
        if (value === null || value === undefined) return null;
        const text = toText(value);
        return parseSqlTimestamp(text, scale) ?? text;
      };
    }
    case 'binary':
      return (value) => {
        if (value === null || value === undefined) return null;
        if (value instanceof Uint8Array)
          return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
        return new Uint8Array(Buffer.from(toText(value), 'utf8'));
      };
    case 'json':
      return (value) => {
        if (value === null || value === undefined) return null;
        if (typeof value !== 'string') return value as FerryValue;
        try {
          return JSON.parse(value) as FerryValue;
        } catch {
          return value;
        }
      };
    default:
      return (value) => (value === null || value === undefined ? null : toText(value));
  }
}

/** The standard decoding of one driver value (see {@link sqlDecoder}, which is faster for many values). */
export function decodeSqlValue(value: unknown, column: SourceColumn): FerryValue {
  return sqlDecoder(column)(value);
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
