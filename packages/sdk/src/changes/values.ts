// Values with full fidelity: what a JSON number or a JS Date would lose travels as a tagged object.

/** An exact decimal (NUMERIC, DECIMAL, Oracle NUMBER, money), kept as its canonical string. */
export class Decimal {
  /** Canonical text: optional `-`, digits, optional `.` and digits; no exponent, no `+`, no leading zeros. */
  readonly value: string;
  constructor(value: string) {
    // Most text is canonical already (a database's output): checked without a regular expression.
    if (isCanonicalDecimal(value)) {
      this.value = value;
      return;
    }
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
    if (!m) throw new TypeError(`"${value}" is not a decimal number`);
    const int = m[2]!.replace(/^0+(?=\d)/, '');
    const frac = m[3] ?? '';
    const sign = m[1] && /[1-9]/.test(int + frac) ? '-' : '';
    this.value = frac ? `${sign}${int}.${frac}` : `${sign}${int}`;
  }
  toString(): string {
    return this.value;
  }
  toJSON(): string {
    return this.value;
  }
}

/** Whether a UTF-16 code unit is an ASCII digit. */
export const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** `-?\d+(\.\d+)?`: the text of a decimal number, not necessarily canonical. */
export function isDecimalText(text: string): boolean {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  const start = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  if (i === start) return false;
  if (i === n) return true;
  if (text.charCodeAt(i) !== 46) return false;
  const fraction = ++i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  return i === n && i > fraction;
}

/** Decimal text that {@link Decimal} keeps as it is: no leading zeros, no negative zero. */
function isCanonicalDecimal(text: string): boolean {
  if (typeof text !== 'string' || !isDecimalText(text)) return false;
  const negative = text.charCodeAt(0) === 45;
  const first = negative ? 1 : 0;
  // A leading zero only alone before the point: `0`, `0.5`, not `007`.
  if (text.charCodeAt(first) === 48 && first + 1 < text.length && text.charCodeAt(first + 1) !== 46)
    return false;
  if (!negative) return true;
  for (let i = first; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 49 && c <= 57) return true;
  }
  return false; // -0, -0.00: written without the sign
}

/** `\d{4}-\d{2}-\d{2}` from `at`: the date part of ISO 8601. */
function isIsoDateAt(text: string, at: number): boolean {
  return (
    isDigit(text.charCodeAt(at)) &&
    isDigit(text.charCodeAt(at + 1)) &&
    isDigit(text.charCodeAt(at + 2)) &&
    isDigit(text.charCodeAt(at + 3)) &&
    text.charCodeAt(at + 4) === 45 &&
    isDigit(text.charCodeAt(at + 5)) &&
    isDigit(text.charCodeAt(at + 6)) &&
    text.charCodeAt(at + 7) === 45 &&
    isDigit(text.charCodeAt(at + 8)) &&
    isDigit(text.charCodeAt(at + 9))
  );
}

/** `\d{2}:\d{2}:\d{2}` from `at`: the time part of ISO 8601 to the second. */
function isIsoTimeAt(text: string, at: number): boolean {
  return (
    isDigit(text.charCodeAt(at)) &&
    isDigit(text.charCodeAt(at + 1)) &&
    text.charCodeAt(at + 2) === 58 &&
    isDigit(text.charCodeAt(at + 3)) &&
    isDigit(text.charCodeAt(at + 4)) &&
    text.charCodeAt(at + 5) === 58 &&
    isDigit(text.charCodeAt(at + 6)) &&
    isDigit(text.charCodeAt(at + 7))
  );
}

/** `^\d{4}-\d{2}-\d{2}$`. */
export function isIsoDate(text: string): boolean {
  return text.length === 10 && isIsoDateAt(text, 0);
}

/** `^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$`, without a regular expression. */
export function isIsoTimestamp(text: string): boolean {
  const n = text.length;
  if (n < 19 || !isIsoDateAt(text, 0) || text.charCodeAt(10) !== 84 || !isIsoTimeAt(text, 11)) return false;
  let i = 19;
  if (text.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    if (i === start || i - start > 9) return false;
  }
  if (i === n) return true;
  const c = text.charCodeAt(i);
  if (c === 90) return i + 1 === n; // Z
  return (
    (c === 43 || c === 45) &&
    i + 6 === n &&
    isDigit(text.charCodeAt(i + 1)) &&
    isDigit(text.charCodeAt(i + 2)) &&
    text.charCodeAt(i + 3) === 58 &&
    isDigit(text.charCodeAt(i + 4)) &&
    isDigit(text.charCodeAt(i + 5))
  );
}

/** The text {@link timestampOfCheckedIso} vouches for while it constructs a Timestamp. */
let checkedIso: string | undefined;

/**
 * A point in time with its original precision (up to nanoseconds) and, when the source had one, its UTC
 * offset: `2026-11-26T08:00:00.123456+08:00`. Without an offset it is a local date-time of the source
 * (`TIMESTAMP WITHOUT TIME ZONE`, SQL Server `datetime2`).
 */
export class Timestamp {
  readonly iso: string;
  constructor(iso: string) {
    if (iso !== checkedIso && !isIsoTimestamp(typeof iso === 'string' ? iso : String(iso))) {
      throw new TypeError(`"${iso}" is not an ISO 8601 timestamp`);
    }
    this.iso = iso;
  }
  /** True when the timestamp names an instant (it has `Z` or an offset). */
  get hasZone(): boolean {
    return /(Z|[+-]\d{2}:\d{2})$/.test(this.iso);
  }
  /** Milliseconds since the epoch (precision below a millisecond is dropped). Needs a zone. */
  toDate(): Date {
    if (!this.hasZone) throw new TypeError(`Timestamp ${this.iso} has no zone; it is not an instant`);
    return new Date(this.iso);
  }
  toString(): string {
    return this.iso;
  }
  toJSON(): string {
    return this.iso;
  }
}

/**
 * A {@link Timestamp} of text the caller has already checked to be ISO 8601 as the constructor requires
 * (internal: a decoder that checks the source text while it parses it need not check its result again).
 */
export function timestampOfCheckedIso(iso: string): Timestamp {
  checkedIso = iso;
  const ts = new Timestamp(iso);
  checkedIso = undefined;
  return ts;
}

/** A calendar date without time: `2026-11-26`. */
export class DateOnly {
  readonly iso: string;
  constructor(iso: string) {
    if (!isIsoDate(typeof iso === 'string' ? iso : String(iso)))
      throw new TypeError(`"${iso}" is not an ISO 8601 date`);
    this.iso = iso;
  }
  toString(): string {
    return this.iso;
  }
  toJSON(): string {
    return this.iso;
  }
}

/** A column value as Ferry carries it. */
export type FerryValue =
  | null
  | boolean
  | number
  | string
  | bigint
  | Decimal
  | Timestamp
  | DateOnly
  | Uint8Array
  | FerryValue[]
  | { [key: string]: FerryValue };

/** A row or key: column name → value. */
export type FerryRecord = { [column: string]: FerryValue };

/** The wire form of a value (see docs/protocol/changes.md). */
export type EncodedValue =
  | null
  | boolean
  | number
  | string
  | { $int: string }
  | { $dec: string }
  | { $ts: string }
  | { $date: string }
  | { $bin: string }
  | { $float: 'NaN' | 'Infinity' | '-Infinity' }
  | { $obj: { [key: string]: EncodedValue } }
  | EncodedValue[];

/** Encodes one value to its wire form. */
export function encodeValue(value: FerryValue): EncodedValue {
  if (value === null) return value;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      // A finite double survives JSON exactly; integers beyond 2^53 must be bigint to be exact.
      if (Number.isFinite(value)) return value;
      return { $float: String(value) as 'NaN' | 'Infinity' | '-Infinity' };
    case 'bigint':
      return { $int: value.toString() };
    case 'object':
      break;
    default:
      throw new TypeError(`Cannot encode a value of type ${typeof value}`);
  }
  if (value instanceof Decimal) return { $dec: value.value };
  if (value instanceof Timestamp) return { $ts: value.iso };
  if (value instanceof DateOnly) return { $date: value.iso };
  if (value instanceof Uint8Array)
    return { $bin: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(encodeValue);
  if (value instanceof Date) return { $ts: value.toISOString() };
  return { $obj: encodeRecord(value as FerryRecord) };
}

/** Decodes a wire value. Throws TypeError on anything that is not a valid encoding. */
export function decodeValue(encoded: unknown): FerryValue {
  if (encoded === null || typeof encoded === 'boolean' || typeof encoded === 'string') return encoded;
  if (typeof encoded === 'number') {
    if (!Number.isFinite(encoded)) throw new TypeError('non-finite number');
    return encoded;
  }
  if (Array.isArray(encoded)) return encoded.map(decodeValue);
  if (typeof encoded === 'object') {
    const keys = Object.keys(encoded);
    const tag = keys[0];
    if (keys.length !== 1 || tag === undefined) throw new TypeError('a tagged value has exactly one key');
    const v = (encoded as Record<string, unknown>)[tag];
    switch (tag) {
      case '$int':
        if (typeof v !== 'string' || !/^-?\d+$/.test(v))
          throw new TypeError('$int must be a decimal integer string');
        return BigInt(v);
      case '$dec':
        if (typeof v !== 'string') throw new TypeError('$dec must be a string');
        return new Decimal(v);
      case '$ts':
        if (typeof v !== 'string') throw new TypeError('$ts must be a string');
        return new Timestamp(v);
      case '$date':
        if (typeof v !== 'string') throw new TypeError('$date must be a string');
        return new DateOnly(v);
      case '$bin':
        if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v))
          throw new TypeError('$bin must be base64');
        return new Uint8Array(Buffer.from(v, 'base64'));
      case '$float':
        if (v === 'NaN') return Number.NaN;
        if (v === 'Infinity') return Number.POSITIVE_INFINITY;
        if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
        if (typeof v === 'string' && Number.isFinite(Number(v))) return Number(v);
        throw new TypeError('$float must be NaN, Infinity, -Infinity or a number');
      case '$obj': {
        if (v === null || typeof v !== 'object' || Array.isArray(v))
          throw new TypeError('$obj must be an object');
        const out: { [key: string]: FerryValue } = {};
        for (const [k, inner] of Object.entries(v)) out[k] = decodeValue(inner);
        return out;
      }
      default:
        throw new TypeError(`unknown value tag ${tag}`);
    }
  }
  throw new TypeError(`unexpected ${typeof encoded}`);
}

/**
 * Why `encoded` is not a wire value that {@link decodeValue} accepts, or `undefined` when it is one. Judges
 * exactly as `decodeValue` does (same messages) without building the decoded value — no BigInt, Decimal or
 * byte array — for a store or relay that keeps rows in their wire form and only needs to know that its
 * consumers will be able to decode them.
 *
 * @example
 * ```ts
 * wireValueProblem({ $int: '12' }); // undefined
 * wireValueProblem({ $ts: '2026-11-26 08:00' }); // '"2026-11-26 08:00" is not an ISO 8601 timestamp'
 * ```
 */
export function wireValueProblem(encoded: unknown): string | undefined {
  if (encoded === null || typeof encoded === 'boolean' || typeof encoded === 'string') return undefined;
  if (typeof encoded === 'number') return Number.isFinite(encoded) ? undefined : 'non-finite number';
  if (Array.isArray(encoded)) {
    for (const item of encoded) {
      const problem = wireValueProblem(item);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (typeof encoded !== 'object') return `unexpected ${typeof encoded}`;
  // The one own key, counted without the array Object.keys would allocate.
  let tag: string | undefined;
  let keys = 0;
  for (const k in encoded) {
    if (!Object.hasOwn(encoded, k)) continue;
    tag = k;
    if (++keys > 1) break;
  }
  if (keys !== 1 || tag === undefined) return 'a tagged value has exactly one key';
  const v = (encoded as Record<string, unknown>)[tag];
  switch (tag) {
    case '$int':
      return typeof v === 'string' && isIntegerText(v) ? undefined : '$int must be a decimal integer string';
    case '$ts':
      if (typeof v !== 'string') return '$ts must be a string';
      return isIsoTimestamp(v) ? undefined : `"${v}" is not an ISO 8601 timestamp`;
    case '$date':
      if (typeof v !== 'string') return '$date must be a string';
      return isIsoDate(v) ? undefined : `"${v}" is not an ISO 8601 date`;
    case '$obj': {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return '$obj must be an object';
      for (const inner of Object.values(v)) {
        const problem = wireValueProblem(inner);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    default:
      // The rarer tags ($dec, $bin, $float) and unknown ones: decoding them is the check.
      try {
        decodeValue(encoded);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
  }
}

/** `^-?\d+$` without a regular expression. */
function isIntegerText(text: string): boolean {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  if (i === n) return false;
  for (; i < n; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
}

/** Encodes every value of a record (own enumerable string keys, in their order) to its wire form. */
export function encodeRecord(record: FerryRecord): { [column: string]: EncodedValue } {
  const out: { [column: string]: EncodedValue } = {};
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    out[k] = encodeValue(record[k]!);
  }
  return out;
}

export function decodeRecord(encoded: unknown): FerryRecord {
  if (encoded === null || typeof encoded !== 'object' || Array.isArray(encoded))
    throw new TypeError('a record must be an object');
  const out: FerryRecord = {};
  for (const [k, v] of Object.entries(encoded)) out[k] = decodeValue(v);
  return out;
}
