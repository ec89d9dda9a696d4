// Date and date-time patterns such as `yyyy/MM/dd`, `yyyyMMdd`, `yyyy-MM-dd HH:mm:ss.SSS`, compiled once
// per column to an anchored regular expression.

/** The fields a pattern captures; absent ones default (time 00:00:00, no fraction, no offset). */
export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Fraction digits as written (precision is kept). */
  fraction: string;
  /** `Z`, `+08:00`, or '' when the text has no offset. */
  offset: string;
}

export interface DatePattern {
  readonly source: string;
  readonly hasTime: boolean;
  match(text: string): DateParts | undefined;
  /** Set for patterns of fixed-width tokens and plain literals: see {@link readFixed}. */
  readonly fixed?: FixedLayout;
}

/**
 * A pattern of fixed-width tokens and plain literals (`yyyy/MM/dd`, `yyyyMMddHHmmss`): the position of each
 * field in the text, -1 for an absent one (its value is 0). Such patterns never hold a fraction or offset.
 */
export interface FixedLayout {
  readonly length: number;
  /** Pairs of (position, char code) of the literals. */
  readonly literals: Int32Array;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Fields read by {@link readFixed} and {@link readIsoPlain}: year, month, day, hour, minute, second. */
export type FieldScratch = Int32Array;

export const YEAR = 0;
export const MONTH = 1;
export const DAY = 2;
export const HOUR = 3;
export const MINUTE = 4;
export const SECOND = 5;

/** Scratch space for {@link readFixed} and {@link readIsoPlain}. */
export function fieldScratch(): FieldScratch {
  return new Int32Array(6);
}

/** The layout's result for a text, without building {@link DateParts}: */
export const NO_MATCH = -1;
/** …the text has the layout, but names no real date and time (pattern.match gives parts validParts refuses); */
export const INVALID = 0;
/** …the text has the layout and names a real date and time. */
export const VALID = 1;

/**
 * Reads the `len` characters of `text` from `at` in a fixed layout into `out`, allocating nothing. Agrees with the pattern's
 * {@link DatePattern.match} followed by {@link validParts}: NO_MATCH when match gives undefined, INVALID
 * when validParts refuses its parts, VALID otherwise.
 */
export function readFixed(
  layout: FixedLayout,
  text: string,
  at: number,
  len: number,
  out: FieldScratch,
): number {
  if (len !== layout.length) return NO_MATCH;
  const lit = layout.literals;
  for (let k = 0; k < lit.length; k += 2) if (text.charCodeAt(at + lit[k]!) !== lit[k + 1]) return NO_MATCH;
  const year = digits(text, at + layout.year, 4);
  const month = digits(text, at + layout.month, 2);
  const day = digits(text, at + layout.day, 2);
  const hour = layout.hour < 0 ? 0 : digits(text, at + layout.hour, 2);
  const minute = layout.minute < 0 ? 0 : digits(text, at + layout.minute, 2);
  const second = layout.second < 0 ? 0 : digits(text, at + layout.second, 2);
  return storeFields(out, year, month, day, hour, minute, second);
}

/**
 * The two most common ISO 8601 forms, `yyyy-MM-dd` and `yyyy-MM-dd HH:mm:ss` (or with `T`), read from the
 * `len` characters of `t` at `at` into `out` without allocating. Agrees with {@link matchIso} and {@link validParts} on those forms; NO_MATCH for
 * any other text (which may still be ISO 8601: ask matchIso).
 */
export function readIsoPlain(t: string, at: number, len: number, out: FieldScratch): number {
  if (len !== 10 && len !== 19) return NO_MATCH;
  if (t.charCodeAt(at + 4) !== 45 || t.charCodeAt(at + 7) !== 45) return NO_MATCH;
  const year = digits(t, at, 4);
  const month = digits(t, at + 5, 2);
  const day = digits(t, at + 8, 2);
  let hour = 0;
  let minute = 0;
  let second = 0;
  if (len === 19) {
    const sep = t.charCodeAt(at + 10);
    if ((sep !== 84 && sep !== 32) || t.charCodeAt(at + 13) !== 58 || t.charCodeAt(at + 16) !== 58)
      return NO_MATCH;
    hour = digits(t, at + 11, 2);
    minute = digits(t, at + 14, 2);
    second = digits(t, at + 17, 2);
  }
  return storeFields(out, year, month, day, hour, minute, second);
}

const TOKENS: Array<[string, string, keyof DateParts]> = [
  ['yyyy', '(\\d{4})', 'year'],
  ['MM', '(\\d{2})', 'month'],
  ['M', '(\\d{1,2})', 'month'],
  ['dd', '(\\d{2})', 'day'],
  ['d', '(\\d{1,2})', 'day'],
  ['HH', '(\\d{2})', 'hour'],
  ['H', '(\\d{1,2})', 'hour'],
  ['mm', '(\\d{2})', 'minute'],
  ['ss', '(\\d{2})', 'second'],
  ['XXX', '(Z|[+-]\\d{2}:?\\d{2})', 'offset'],
];

/**
 * Compiles a pattern. Letters are tokens (`yyyy MM M dd d HH H mm ss`, `S…` fraction of 1–9 digits, `XXX`
 * offset `Z`/`+08:00`/`+0800`); text in single quotes and any other character is literal.
 * @throws TypeError naming the unknown token
 */
export function compileDatePattern(pattern: string): DatePattern {
  let re = '^';
  const fields: Array<keyof DateParts> = [];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      const close = pattern.indexOf("'", i + 1);
      if (close < 0) throw new TypeError(`unclosed quote in date pattern "${pattern}"`);
      re += escapeRegExp(pattern.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    if (/[A-Za-z]/.test(ch)) {
      if (ch === 'S') {
        let k = i;
        while (pattern[k] === 'S') k++;
        re += '(\\d{1,9})';
        fields.push('fraction');
        i = k;
        continue;
      }
      const token = TOKENS.find(
        ([t]) => pattern.startsWith(t, i) && !(t.length === 1 && pattern[i + 1] === ch),
      );
      if (!token) {
        let k = i;
        while (pattern[k] === ch) k++;
        throw new TypeError(
          `unknown token "${pattern.slice(i, k)}" in date pattern "${pattern}" (use yyyy MM dd HH mm ss SSS XXX)`,
        );
      }
      re += token[1];
      fields.push(token[2]);
      i += token[0].length;
      continue;
    }
    re += escapeRegExp(ch);
    i++;
  }
  if (!fields.includes('year') || !fields.includes('month') || !fields.includes('day')) {
    throw new TypeError(`date pattern "${pattern}" needs yyyy, MM and dd`);
  }
  const hasTime = fields.includes('hour');
  const fixed = fixedLayout(pattern);
  if (fixed)
    return { source: pattern, hasTime, match: fixed.match, ...(fixed.layout ? { fixed: fixed.layout } : {}) };
  const regex = new RegExp(`${re}$`);
  return {
    source: pattern,
    hasTime,
    match(text) {
      const m = regex.exec(text);
      if (!m) return undefined;
      const parts: DateParts = {
        year: 0,
        month: 0,
        day: 0,
        hour: 0,
        minute: 0,
        second: 0,
        fraction: '',
        offset: '',
      };
      for (let f = 0; f < fields.length; f++) {
        const name = fields[f]!;
        const v = m[f + 1]!;
        if (name === 'fraction') parts.fraction = v;
        else if (name === 'offset') parts.offset = normalizeOffset(v);
        else parts[name] = Number(v);
      }
      return parts;
    },
  };
}

/**
 * A matcher by character positions for patterns of fixed-width tokens and plain literals (`yyyy/MM/dd`,
 * `yyyyMMddHHmmss`): no regular expression, and a few times faster on every cell.
 */
function fixedLayout(
  pattern: string,
): { match: DatePattern['match']; layout: FixedLayout | undefined } | undefined {
  const WIDTH: Record<string, keyof DateParts> = {
    yyyy: 'year',
    MM: 'month',
    dd: 'day',
    HH: 'hour',
    mm: 'minute',
    ss: 'second',
  };
  const slots: Array<{ at: number; width: number; field: keyof DateParts }> = [];
  const literals: Array<{ at: number; code: number }> = [];
  let at = 0;
  for (let i = 0; i < pattern.length; ) {
    const token = Object.keys(WIDTH).find((t) => pattern.startsWith(t, i) && pattern[i + t.length] !== t[0]);
    if (token) {
      slots.push({ at, width: token.length, field: WIDTH[token]! });
      at += token.length;
      i += token.length;
    } else if (/[A-Za-z']/.test(pattern[i]!)) return undefined;
    else {
      literals.push({ at, code: pattern.charCodeAt(i) });
      at++;
      i++;
    }
  }
  const length = at;
  const where = (field: keyof DateParts) => slots.find((s) => s.field === field)?.at ?? -1;
  // A field written twice (the last one counts in match) gets no layout: readers of it stay on match.
  const repeated = new Set(slots.map((s) => s.field)).size !== slots.length;
  const layout: FixedLayout | undefined = repeated
    ? undefined
    : {
        length,
        literals: Int32Array.from(literals.flatMap((l) => [l.at, l.code])),
        year: where('year'),
        month: where('month'),
        day: where('day'),
        hour: where('hour'),
        minute: where('minute'),
        second: where('second'),
      };
  const match: DatePattern['match'] = (text) => {
    if (text.length !== length) return undefined;
    for (const l of literals) if (text.charCodeAt(l.at) !== l.code) return undefined;
    const parts: DateParts = {
      year: 0,
      month: 0,
      day: 0,
      hour: 0,
      minute: 0,
      second: 0,
      fraction: '',
      offset: '',
    };
    for (const s of slots) {
      const v = digits(text, s.at, s.width);
      if (v < 0) return undefined;
      (parts as unknown as Record<string, number>)[s.field] = v;
    }
    return parts;
  };
  return { match, layout };
}

/**
 * ISO 8601 (`2026-11-26`, `2026-11-26 08:00`, `2026-11-26T08:00:00.123456+08:00`), accepted whatever the
 * configured pattern (spreadsheet cells arrive in this form). Hand-written: it runs for every date-time
 * cell, and the equivalent regular expression with its optional groups costs several times more.
 */
export function matchIso(t: string): DateParts | undefined {
  const len = t.length;
  if (len < 10 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45) return undefined;
  const year = digits(t, 0, 4);
  const month = digits(t, 5, 2);
  const day = digits(t, 8, 2);
  if (year < 0 || month < 0 || day < 0) return undefined;
  const parts: DateParts = { year, month, day, hour: 0, minute: 0, second: 0, fraction: '', offset: '' };
  if (len === 10) return parts;
  const sep = t.charCodeAt(10);
  if ((sep !== 84 && sep !== 32) || len < 16 || t.charCodeAt(13) !== 58) return undefined;
  parts.hour = digits(t, 11, 2);
  parts.minute = digits(t, 14, 2);
  if (parts.hour < 0 || parts.minute < 0) return undefined;
  let i = 16;
  if (i < len && t.charCodeAt(i) === 58) {
    parts.second = digits(t, 17, 2);
    if (parts.second < 0 || len < 19) return undefined;
    i = 19;
    const dot = t.charCodeAt(i);
    if (i < len && (dot === 46 || dot === 44)) {
      let j = i + 1;
      while (j < len && j - i <= 9 && isDigit(t.charCodeAt(j))) j++;
      if (j === i + 1) return undefined;
      parts.fraction = t.slice(i + 1, j);
      i = j;
    }
  }
  if (i === len) return parts;
  const rest = t.slice(i);
  if (rest === 'Z') parts.offset = 'Z';
  else if (/^[+-]\d{2}:?\d{2}$/.test(rest)) parts.offset = normalizeOffset(rest);
  else return undefined;
  return parts;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digits(t: string, at: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = t.charCodeAt(at + k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Puts the fields read into `out`: NO_MATCH when one was not digits (-1), else VALID or INVALID. */
function storeFields(
  out: FieldScratch,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  if ((year | month | day | hour | minute | second) < 0) return NO_MATCH;
  out[YEAR] = year;
  out[MONTH] = month;
  out[DAY] = day;
  out[HOUR] = hour;
  out[MINUTE] = minute;
  out[SECOND] = second;
  return validFields(year, month, day, hour, minute, second) ? VALID : INVALID;
}

/** True when the parts name a real calendar date and time (no 2 月 30 日, no 24:00). */
export function validParts(p: DateParts): boolean {
  return validFields(p.year, p.month, p.day, p.hour, p.minute, p.second);
}

function validFields(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  if (day > daysInMonth(year, month)) return false;
  return hour <= 23 && minute <= 59 && second <= 59;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function normalizeOffset(v: string): string {
  if (v === 'Z') return 'Z';
  return v.length === 5 ? `${v.slice(0, 3)}:${v.slice(3)}` : v;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
