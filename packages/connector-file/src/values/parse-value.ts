// Text → Ferry value, one parser per configured column, built once. Every parser keeps fidelity: integers
// beyond 2^53 become bigint, decimals stay exact strings (Decimal), dates and date-times keep their
// precision and never pass through a JS Date.
import { DateOnly, Decimal, type FerryValue, Timestamp } from '@ferry/sdk/changes';
import {
  compileDatePattern,
  DAY,
  type DateParts,
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
import { zoneOffsetResolver } from './zone.js';

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
        const r = fixed ? readFixed(fixed, t, f) : NO_MATCH;
        if (r === VALID) return undefined;
        if (r === NO_MATCH && (pattern === undefined || fixed) && readIsoPlain(t, f) === VALID)
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
      const fixed = pattern?.fixed;
      const f = fieldScratch();
      const parseDate: ValueParser = (raw) => {
        const t = raw.trim();
        // Fast paths (a fixed layout, plain ISO) copy the digits as written: their fields have the width
        // pad() gives. A fixed layout that reads an impossible date falls to the error below.
        if (fixed) {
          const r = readFixed(fixed, t, f);
          if (r === VALID) return new DateOnly(isoDateText(t, fixed.year, fixed.month, fixed.day));
          if (r === NO_MATCH && readIsoPlain(t, f) === VALID) return new DateOnly(isoDateText(t, 0, 5, 8));
        } else if (!pattern && readIsoPlain(t, f) === VALID) return new DateOnly(isoDateText(t, 0, 5, 8));
        const p = pattern?.match(t) ?? matchIso(t);
        if (!p || !validParts(p))
          throw new ValueError(`"${clip(raw)}" is not a date${format ? ` (${format})` : ''}`);
        return new DateOnly(`${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}`);
      };
      return parseDate;
    }
    case 'datetime': {
      const pattern = format ? compileDatePattern(format) : undefined;
      const fixed = pattern?.fixed;
      const offsetOf = options.zone ? zoneOffsetResolver(options.zone) : undefined;
      const f = fieldScratch();
      const zoneOf = () =>
        offsetOf ? offsetOf(f[YEAR]!, f[MONTH]!, f[DAY]!, f[HOUR]!, f[MINUTE]!, f[SECOND]!) : '';
      const parseDateTime: ValueParser = (raw) => {
        const t = raw.trim();
        // Fast paths without parts, building the text isoOf() would: fixed layouts have no fraction or
        // offset, and their fields have pad()'s width (absent time fields are 00).
        const r = fixed ? readFixed(fixed, t, f) : NO_MATCH;
        if (r === VALID) {
          const x = fixed!;
          return new Timestamp(
            isoDateTimeText(t, x.year, x.month, x.day, x.hour, x.minute, x.second, zoneOf()),
          );
        }
        if (r === NO_MATCH && (pattern === undefined || fixed) && readIsoPlain(t, f) === VALID) {
          const time = t.length === 19;
          return new Timestamp(
            isoDateTimeText(t, 0, 5, 8, time ? 11 : -1, time ? 14 : -1, time ? 17 : -1, zoneOf()),
          );
        }
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
