// Driver values → Ferry values, for drivers configured to return numbers and date-times as text.
import { DateOnly, Decimal, type FerryValue, Timestamp } from '../../changes/index.js';
import { isDecimalText, isDigit, isIsoDate, timestampOfCheckedIso } from '../../changes/values.js';
import type { SourceColumn } from '../source.js';

/**
 * Parses a SQL date-time text (`2026-11-26 08:00:00.1234+08`, `…+05:30`, `…+0530`, `…Z`, or without zone)
 * into a {@link Timestamp}, padding the fraction to `scale` digits so the column's precision shows.
 * Returns undefined for text it cannot represent (years beyond 9999, BC dates, `infinity`, offsets with
 * seconds).
 */
export function parseSqlTimestamp(text: string, scale?: number): Timestamp | undefined {
  const n = text.length;
  if (n > sqlScratch.length) return undefined;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return undefined;
    sqlScratch[i] = c;
  }
  const end = writeSqlTimestampIso(sqlScratch, 0, n, isoScratch, 0, scale);
  // The ISO text is made a string in one piece: strings put together from slices are ropes, several
  // objects each that survive with the row and are flattened when encoded.
  return end < 0 ? undefined : timestampOfCheckedIso(latin1(isoScratch, end));
}

/** Most bytes {@link writeSqlTimestampIso} writes: `dddd-dd-ddTdd:dd:dd.ddddddddd+dd:dd`. */
export const SQL_TIMESTAMP_ISO_MAX = 35;

/**
 * Writes the ISO 8601 form of the SQL date-time text `src[start, end)` (ASCII bytes; see
 * {@link parseSqlTimestamp}) into `out` at `at`, with room for {@link SQL_TIMESTAMP_ISO_MAX} bytes.
 * Returns where it ended, or -1 for text it cannot represent; what it writes is the `iso` of the Timestamp
 * parseSqlTimestamp returns for the same text. Written without a regular expression, checking the text as
 * it goes: it runs for every date-time of every row.
 */
export function writeSqlTimestampIso(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  at: number,
  scale?: number,
): number {
  const sep = src[start + 10];
  if (end - start < 19 || (sep !== 32 && sep !== 84)) return -1;
  // `dddd-dd-dd` `dd:dd:dd`: what the Timestamp constructor would check of the text built below.
  if (!isIsoDateBytes(src, start) || !isIsoTimeBytes(src, start + 11)) return -1;
  let i = start + 19;
  let digits = 0;
  if (i < end && src[i] === 46) {
    i++;
    while (i < end && isDigit(src[i]!)) i++;
    digits = i - start - 20;
  }
  if (digits > 9) return -1;
  const width = scale !== undefined && scale > digits ? Math.min(scale, 9) : digits;
  let p = at;
  for (let k = start; k < start + 19; k++) out[p++] = src[k]!;
  out[at + 10] = 84; // T
  // A `.` without digits is dropped (unless padding brings digits).
  if (width > 0) {
    out[p++] = 46;
    for (let k = start + 20; k < i; k++) out[p++] = src[k]!;
    for (let k = digits; k < width; k++) out[p++] = 48;
  }
  const rest = end - i;
  if (rest === 0) return p;
  const sign = src[i];
  if (sign === 90 && rest === 1) {
    out[p++] = 90; // Z
    return p;
  }
  if ((sign !== 43 && sign !== 45) || rest < 3 || !isDigit(src[i + 1]!) || !isDigit(src[i + 2]!)) return -1;
  out[p++] = sign;
  out[p++] = src[i + 1]!;
  out[p++] = src[i + 2]!;
  out[p++] = 58; // :
  if (rest === 3) {
    out[p++] = 48;
    out[p++] = 48;
    return p;
  }
  // `+0530` or `+05:30`
  const m = rest === 5 ? i + 3 : rest === 6 && src[i + 3] === 58 ? i + 4 : -1;
  if (m < 0 || !isDigit(src[m]!) || !isDigit(src[m + 1]!)) return -1;
  out[p++] = src[m]!;
  out[p++] = src[m + 1]!;
  return p;
}

/** `\d{4}-\d{2}-\d{2}` at `at` of ASCII bytes (the caller checked there are ten). */
export function isIsoDateBytes(src: Uint8Array, at: number): boolean {
  return (
    isDigit(src[at]!) &&
    isDigit(src[at + 1]!) &&
    isDigit(src[at + 2]!) &&
    isDigit(src[at + 3]!) &&
    src[at + 4] === 45 &&
    isDigit(src[at + 5]!) &&
    isDigit(src[at + 6]!) &&
    src[at + 7] === 45 &&
    isDigit(src[at + 8]!) &&
    isDigit(src[at + 9]!)
  );
}

/** `\d{2}:\d{2}:\d{2}` at `at` of ASCII bytes (the caller checked there are eight). */
function isIsoTimeBytes(src: Uint8Array, at: number): boolean {
  return (
    isDigit(src[at]!) &&
    isDigit(src[at + 1]!) &&
    src[at + 2] === 58 &&
    isDigit(src[at + 3]!) &&
    isDigit(src[at + 4]!) &&
    src[at + 5] === 58 &&
    isDigit(src[at + 6]!) &&
    isDigit(src[at + 7]!)
  );
}

/** Where parseSqlTimestamp copies its text and writes the ISO text. */
const sqlScratch = new Uint8Array(64);
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
