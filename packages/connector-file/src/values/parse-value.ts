// Text → Ferry value, one parser per configured column, built once. Every parser keeps fidelity: integers
// beyond 2^53 become bigint, decimals stay exact strings (Decimal), dates and date-times keep their
// precision and never pass through a JS Date.
import { DateOnly, Decimal, type FerryValue, Timestamp } from '@ferry/sdk/changes';
import {
  compileDatePattern,
  DAY,
  type DateParts,
  type DatePattern,
  fieldScratch,
  HOUR,
  INVALID,
  MINUTE,
  MONTH,
  matchIso,
  NO_MATCH,
  readFixed,
  readIsoPlain,
  SECOND,
  VALID,
  validParts,
  YEAR,
} from './date-pattern.js';
import { isoDateText, isoDateTimeText } from './iso-text.js';
import { type ZoneOffset, zoneOffsetResolver } from './zone.js';

/** The column types a file resource declares. */
export type ColumnType = 'string' | 'integer' | 'decimal' | 'date' | 'datetime' | 'boolean' | 'binary';

/** A value that does not parse as its column's type; the message says what was expected. */
export class ValueError extends Error {}

/** Parses the text of one non-empty cell. Throws {@link ValueError}. */
export type ValueParser = (text: string) => FerryValue;

export interface ValueParserOptions {
  type: ColumnType;
  /** Type-specific: a date pattern, `#,##0` for thousands separators, `是/否` for booleans, `hex`/`base64`. */
  format?: string | undefined;
  /** Zone of local date-times (`+08:00`, `Asia/Shanghai`); without one they stay local (no offset). */
  zone?: string | undefined;
  /** Strings only: trim surrounding spaces. Other types always trim. */
  trim?: boolean | undefined;
}

const INTEGER = /^[+-]?\d+$/;
const PLAIN_DECIMAL = /^-?\d+(?:\.\d+)?$/;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1', '是', '真', '对', 'on']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0', '否', '假', '错', 'off']);

/**
 * Checks the text of one non-empty cell without building its value: the message of the
 * {@link ValueError} the parser would throw, or undefined. Every row is checked; only changed rows are
 * parsed, so checking must not allocate.
 */
export type ValueChecker = (text: string) => string | undefined;

/** The checker matching {@link createValueParser} for the same options. */
export function createValueChecker(options: ValueParserOptions): ValueChecker {
  const { type, format } = options;
  const parse = createValueParser(options);
  const viaParse: ValueChecker = (t) => {
    try {
      parse(t);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  };
  switch (type) {
    case 'string':
      return () => undefined;
    case 'integer': {
      const commas = format?.includes(',') ?? false;
      const checkInteger: ValueChecker = (raw) =>
        INTEGER.test(commas ? raw.trim().replaceAll(',', '') : raw.trim()) ? undefined : viaParse(raw);
      return checkInteger;
    }
    case 'decimal': {
      const commas = format?.includes(',') ?? false;
      const checkDecimal: ValueChecker = (raw) =>
        SIMPLE_DECIMAL.test(commas ? raw.trim().replaceAll(',', '') : raw.trim()) ? undefined : viaParse(raw);
      return checkDecimal;
    }
    case 'date':
    case 'datetime': {
      const pattern = format ? compileDatePattern(format) : undefined;
      const fixed = pattern?.fixed;
      const f = fieldScratch();
      const checkDate: ValueChecker = (raw) => {
        const t = raw.trim();
        // The common layouts without building parts; the same answer as the general path below.
        const r = fixed ? readFixed(fixed, t, 0, t.length, f) : NO_MATCH;
        if (r === VALID) return undefined;
        if (r === NO_MATCH && (pattern === undefined || fixed) && readIsoPlain(t, 0, t.length, f) === VALID)
          return undefined;
        if (r === INVALID) return viaParse(raw);
        const p = pattern?.match(t) ?? matchIso(t);
        return p && validParts(p) ? undefined : viaParse(raw);
      };
      return checkDate;
    }
    default:
      return viaParse;
  }
}

/** Digits with an optional sign and fraction: the common case, checked by one regex. */
const SIMPLE_DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * Builds the parser of a column. A bad `format` throws TypeError at build time (config validation uses
 * this), never at the first row.
 */
export function createValueParser(options: ValueParserOptions): ValueParser {
  const { type, format } = options;
  switch (type) {
    case 'string':
      return options.trim ? (t) => t.trim() : (t) => t;
    case 'integer': {
      const commas = format?.includes(',') ?? false;
      const parseInteger: ValueParser = (raw) => {
        const t = commas ? raw.trim().replaceAll(',', '') : raw.trim();
        if (!INTEGER.test(t)) throw new ValueError(`"${clip(raw)}" is not an integer`);
        return integerValue(t);
      };
      return parseInteger;
    }
    case 'decimal': {
      const commas = format?.includes(',') ?? false;
      const parseDecimal: ValueParser = (raw) => {
        const t = commas ? raw.trim().replaceAll(',', '') : raw.trim();
        // Plain digits need no rewriting: Decimal's constructor normalizes them.
        if (PLAIN_DECIMAL.test(t)) return new Decimal(t);
        const plain = plainDecimal(t);
        if (plain === undefined) throw new ValueError(`"${clip(raw)}" is not a decimal number`);
        return new Decimal(plain);
      };
      return parseDecimal;
    }
    case 'date': {
      const pattern = format ? compileDatePattern(format) : undefined;
      const fast = dateFastPath(pattern);
      const parseDate: ValueParser = (raw) => {
        const t = raw.trim();
        const quick = fast(t, 0, t.length);
        if (quick !== undefined) return quick;
        const p = pattern?.match(t) ?? matchIso(t);
        if (!p || !validParts(p))
          throw new ValueError(`"${clip(raw)}" is not a date${format ? ` (${format})` : ''}`);
        return new DateOnly(`${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}`);
      };
      return parseDate;
    }
    case 'datetime': {
      const pattern = format ? compileDatePattern(format) : undefined;
      const offsetOf = options.zone ? zoneOffsetResolver(options.zone) : undefined;
      const fast = dateTimeFastPath(pattern, offsetOf);
      const parseDateTime: ValueParser = (raw) => {
        const t = raw.trim();
        const quick = fast(t, 0, t.length);
        if (quick !== undefined) return quick;
        const byPattern = pattern?.match(t);
        const p = byPattern ?? matchIso(t);
        if (!p || !validParts(p)) {
          throw new ValueError(`"${clip(raw)}" is not a date-time${format ? ` (${format})` : ''}`);
        }
        const offset =
          p.offset || (offsetOf ? offsetOf(p.year, p.month, p.day, p.hour, p.minute, p.second) : '');
        // Text already in ISO layout (`2026-11-26 08:00:00[.123]`) only needs its separator changed.
        if (
          !byPattern &&
          !p.offset &&
          (t.length === 19 || (t.length > 20 && t.charCodeAt(19) === 46)) &&
          t.charCodeAt(4) === 45
        ) {
          return new Timestamp(`${t.slice(0, 10)}T${t.slice(11)}${offset}`);
        }
        return new Timestamp(isoOf(p, offset));
      };
      return parseDateTime;
    }
    case 'boolean': {
      let yes = TRUE_WORDS;
      let no = FALSE_WORDS;
      if (format) {
        const [t, f] = format.split('/');
        if (!t || !f)
          throw new TypeError(`boolean format "${format}" must be "true-text/false-text", e.g. "是/否"`);
        yes = new Set([t.toLowerCase()]);
        no = new Set([f.toLowerCase()]);
      }
      const parseBoolean: ValueParser = (raw) => {
        if (yes.has(raw)) return true;
        if (no.has(raw)) return false;
        const t = raw.trim().toLowerCase();
        if (yes.has(t)) return true;
        if (no.has(t)) return false;
        throw new ValueError(`"${clip(raw)}" is not a boolean`);
      };
      return parseBoolean;
    }
    case 'binary': {
      const enc = format ?? 'base64';
      if (enc !== 'base64' && enc !== 'hex')
        throw new TypeError(`binary format "${enc}" must be "base64" or "hex"`);
      const re = enc === 'hex' ? /^(?:[0-9a-fA-F]{2})*$/ : /^[A-Za-z0-9+/]*={0,2}$/;
      const parseBinary: ValueParser = (raw) => {
        const t = raw.trim();
        if (!re.test(t) || (enc === 'base64' && t.length % 4 !== 0))
          throw new ValueError(`"${clip(raw)}" is not ${enc}`);
        return new Uint8Array(Buffer.from(t, enc));
      };
      return parseBinary;
    }
  }
}

/**
 * The fast path of a date column: the cell `t[at, at + len)` (trimmed) read by position when it has the
 * pattern's fixed layout or, without a pattern or when the fixed layout does not fit, plain ISO 8601 —
 * the forms most exports use. Undefined sends the cell to the general path, which gives the same value
 * (the digits are copied as written, in the width pad() gives) or the error.
 */
function dateFastPath(
  pattern: DatePattern | undefined,
): (t: string, at: number, len: number) => DateOnly | undefined {
  const fixed = pattern?.fixed;
  const f = fieldScratch();
  return (t, at, len) => {
    if (fixed) {
      const r = readFixed(fixed, t, at, len, f);
      if (r === VALID) return new DateOnly(isoDateText(t, at + fixed.year, at + fixed.month, at + fixed.day));
      // A fixed layout that reads an impossible date is an error, not ISO 8601.
      if (r === INVALID) return undefined;
    } else if (pattern) return undefined;
    return readIsoPlain(t, at, len, f) === VALID
      ? new DateOnly(isoDateText(t, at, at + 5, at + 8))
      : undefined;
  };
}

/** The fast path of a date-time column, as {@link dateFastPath}; fixed layouts have no fraction or offset. */
function dateTimeFastPath(
  pattern: DatePattern | undefined,
  offsetOf: ZoneOffset | undefined,
): (t: string, at: number, len: number) => Timestamp | undefined {
  const fixed = pattern?.fixed;
  const f = fieldScratch();
  const zoneOf = () =>
    offsetOf ? offsetOf(f[YEAR]!, f[MONTH]!, f[DAY]!, f[HOUR]!, f[MINUTE]!, f[SECOND]!) : '';
  return (t, at, len) => {
    if (fixed) {
      const r = readFixed(fixed, t, at, len, f);
      if (r === VALID) {
        const h = fixed.hour < 0 ? -1 : at + fixed.hour;
        const mi = fixed.minute < 0 ? -1 : at + fixed.minute;
        const s = fixed.second < 0 ? -1 : at + fixed.second;
        const d = at + fixed.day;
        return new Timestamp(isoDateTimeText(t, at + fixed.year, at + fixed.month, d, h, mi, s, zoneOf()));
      }
      if (r === INVALID) return undefined;
    } else if (pattern) return undefined;
    if (readIsoPlain(t, at, len, f) !== VALID) return undefined;
    return len === 19
      ? new Timestamp(isoDateTimeText(t, at, at + 5, at + 8, at + 11, at + 14, at + 17, zoneOf()))
      : new Timestamp(isoDateTimeText(t, at, at + 5, at + 8, -1, -1, -1, zoneOf()));
  };
}

/**
 * Parses the non-empty cell `text[start, end)` exactly as the column's {@link ValueParser} parses
 * `text.slice(start, end)`, reading the common forms (plain integers and decimals, dates and date-times
 * the fast paths read, untrimmed strings) in place, without a string per cell. A cell starting or ending
 * with white space goes to the parser, which trims.
 */
export type RangeParser = (text: string, start: number, end: number) => FerryValue;

/** The {@link RangeParser} of a column; the same options as {@link createValueParser}. */
export function createRangeParser(options: ValueParserOptions): RangeParser {
  const { type, format } = options;
  const parse = createValueParser(options);
  const general: RangeParser = (text, start, end) => parse(text.slice(start, end));
  const commas = format?.includes(',') ?? false;
  switch (type) {
    case 'string':
      return options.trim ? general : (text, start, end) => text.slice(start, end);
    case 'integer': {
      if (commas) return general;
      const integerAt: RangeParser = (text, start, end) => {
        // Up to 15 digits with an optional sign: the number Number() would give.
        const c0 = text.charCodeAt(start);
        const sign = c0 === 45 || c0 === 43 ? 1 : 0;
        const n = end - start - sign;
        if (n < 1 || n > 15) return general(text, start, end);
        let v = 0;
        for (let i = start + sign; i < end; i++) {
          const d = text.charCodeAt(i) - 48;
          if (d < 0 || d > 9) return general(text, start, end);
          v = v * 10 + d;
        }
        return c0 === 45 ? -v : v;
      };
      return integerAt;
    }
    case 'decimal': {
      if (commas) return general;
      const decimalAt: RangeParser = (text, start, end) =>
        plainDecimalAt(text, start, end) ? new Decimal(text.slice(start, end)) : general(text, start, end);
      return decimalAt;
    }
    case 'date': {
      const fast = dateFastPath(format ? compileDatePattern(format) : undefined);
      const dateAt: RangeParser = (text, start, end) =>
        (!trimmable(text, start, end) && fast(text, start, end - start)) || general(text, start, end);
      return dateAt;
    }
    case 'datetime': {
      const fast = dateTimeFastPath(
        format ? compileDatePattern(format) : undefined,
        options.zone ? zoneOffsetResolver(options.zone) : undefined,
      );
      const dateTimeAt: RangeParser = (text, start, end) =>
        (!trimmable(text, start, end) && fast(text, start, end - start)) || general(text, start, end);
      return dateTimeAt;
    }
    default:
      return general;
  }
}

/** `-?\d+(\.\d+)?` over `text[start, end)`: PLAIN_DECIMAL, which needs no trimming. */
function plainDecimalAt(text: string, start: number, end: number): boolean {
  let i = start;
  if (text.charCodeAt(i) === 45) i++;
  const digits = i;
  while (i < end && isDigitCode(text.charCodeAt(i))) i++;
  if (i === digits) return false;
  if (i === end) return true;
  if (text.charCodeAt(i) !== 46) return false;
  const fraction = ++i;
  while (i < end && isDigitCode(text.charCodeAt(i))) i++;
  return i === end && i > fraction;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** True when the cell starts or ends with a character String#trim removes. */
function trimmable(text: string, start: number, end: number): boolean {
  return isTrimSpace(text.charCodeAt(start)) || isTrimSpace(text.charCodeAt(end - 1));
}

/** The white space and line terminators of ECMAScript, which String#trim removes. */
function isTrimSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** A JS number while exact, a bigint beyond ±(2^53 − 1). */
export function integerValue(t: string): number | bigint {
  const digits = t.length - (t[0] === '-' || t[0] === '+' ? 1 : 0);
  if (digits <= 15) return Number(t);
  const big = BigInt(t);
  return big <= MAX_SAFE && big >= -MAX_SAFE ? Number(big) : big;
}

/** Plain decimal text (no exponent) of a decimal literal, or undefined. `1.2E+3` → `1200`, `.5` → `0.5`. */
export function plainDecimal(t: string): string | undefined {
  const m = DECIMAL.exec(t);
  if (!m) return undefined;
  const sign = m[1] === '-' ? '-' : '';
  let int = m[2] ?? '';
  let frac = m[3] ?? '';
  if (int === '' && frac === '') return undefined;
  if (m[4] !== undefined) {
    const exp = Number(m[4]);
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 10000) return undefined;
    const digits = int + frac;
    let point = int.length + exp;
    if (point < 0) {
      int = '0';
      frac = '0'.repeat(-point) + digits;
    } else if (point > digits.length) {
      int = digits + '0'.repeat(point - digits.length);
      frac = '';
    } else {
      int = digits.slice(0, point);
      frac = digits.slice(point);
    }
    point = 0;
  }
  if (int === '') int = '0';
  return frac ? `${sign}${int}.${frac}` : `${sign}${int}`;
}

function isoOf(p: DateParts, offset: string): string {
  const base = `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}T${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`;
  return `${base}${p.fraction ? `.${p.fraction}` : ''}${offset}`;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

function pad(n: number, width: number): string {
  return width === 2 && n < 100 ? TWO_DIGITS[n]! : String(n).padStart(width, '0');
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
