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
      re += escape(pattern.slice(i + 1, close));
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
      const token = TOKENS.find(([t]) => pattern.startsWith(t, i) && !(t.length === 1 && pattern[i + 1] === ch));
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
    re += escape(ch);
    i++;
  }
  if (!fields.includes('year') || !fields.includes('month') || !fields.includes('day')) {
    throw new TypeError(`date pattern "${pattern}" needs yyyy, MM and dd`);
  }
  const regex = new RegExp(`${re}$`);
  const hasTime = fields.includes('hour');
  return {
    source: pattern,
    hasTime,
    match(text) {
      const m = regex.exec(text);
      if (!m) return undefined;
      const parts: DateParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, fraction: '', offset: '' };
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

/** ISO 8601 as accepted whatever the configured pattern (spreadsheet cells arrive in this form). */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export function matchIso(text: string): DateParts | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: m[4] ? Number(m[4]) : 0,
    minute: m[5] ? Number(m[5]) : 0,
    second: m[6] ? Number(m[6]) : 0,
    fraction: m[7] ?? '',
    offset: m[8] ? normalizeOffset(m[8]) : '',
  };
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

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
