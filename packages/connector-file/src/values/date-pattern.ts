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
  if (fixed) return { source: pattern, hasTime, match: fixed };
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
function fixedLayout(pattern: string): DatePattern['match'] | undefined {
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
  return (text) => {
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

/** True when the parts name a real calendar date and time (no 2 月 30 日, no 24:00). */
export function validParts(p: DateParts): boolean {
  if (p.month < 1 || p.month > 12 || p.day < 1) return false;
  if (p.day > daysInMonth(p.year, p.month)) return false;
  return p.hour <= 23 && p.minute <= 59 && p.second <= 59;
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
