// The fast path of change encoding: the NDJSON of changes written straight into UTF-8 bytes, without the
// intermediate wire objects of encodeRecord and without JSON.stringify. It produces exactly the bytes of the
// reference encoding (`JSON.stringify` of `{ op, key: encodeRecord(key), row: encodeRecord(row), pos }`);
// whatever it is not sure to write identically (a position or tag text that is not a string, a value that
// cannot be encoded) it hands back by throwing DEFER, and the caller encodes that change the reference way.
import { DateOnly, Decimal, type FerryRecord, type FerryValue, Timestamp } from './values.js';

/** Thrown by the fast path for a change it leaves to the reference encoding. Never escapes this module's callers. */
export const DEFER: unique symbol = Symbol('ferry.json-writer.defer');

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

const UPSERT_KEY = ascii('{"op":"upsert","key":');
const DELETE_KEY = ascii('{"op":"delete","key":');
const ROW = ascii(',"row":');
const POS = ascii(',"pos":');
const INT = ascii('{"$int":"');
const DEC = ascii('{"$dec":');
const TS = ascii('{"$ts":');
const DATE = ascii('{"$date":');
const BIN = ascii('{"$bin":"');
const OBJ = ascii('{"$obj":');
const FLOAT_NAN = ascii('{"$float":"NaN"}');
const FLOAT_INF = ascii('{"$float":"Infinity"}');
const FLOAT_NEG_INF = ascii('{"$float":"-Infinity"}');
const TRUE = ascii('true');
const FALSE = ascii('false');
const NULL = ascii('null');
const HEX = ascii('0123456789abcdef');

/** Strings longer than this are escaped by JSON.stringify and written by the native UTF-8 encoder. */
const LONG_STRING = 1024;

const hasOwn = (o: object, k: string): boolean => Object.hasOwn(o, k);

/** `"name":` as bytes, per column name; the names of a table repeat on every row. */
const keyCache = new Map<string, Uint8Array>();

/** Writes JSON text as UTF-8 into a growing buffer. */
export class JsonWriter {
  buf: Buffer;
  pos = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, capacity));
  }

  reserve(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.reserve(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = b[i]!;
    this.pos = p;
  }

  /** Text known to be ASCII without anything to escape (numbers, base64, tags). */
  ascii(text: string): void {
    const n = text.length;
    this.reserve(n);
    if (n > 64) {
      this.pos += this.buf.write(text, this.pos, n, 'latin1');
      return;
    }
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = text.charCodeAt(i);
    this.pos = p;
  }

  /** A JSON string exactly as JSON.stringify writes it, UTF-8 encoded. */
  string(s: string): void {
    const n = s.length;
    if (n > LONG_STRING) {
      const json = JSON.stringify(s); // well-formed: lone surrogates come out escaped
      this.reserve(json.length * 3);
      this.pos += this.buf.write(json, this.pos, 'utf8');
      return;
    }
    this.reserve(n * 6 + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
          buf[p++] = c;
          continue;
        }
        p = escapeAscii(buf, p, c);
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 63);
      } else if (c < 0xd800 || c > 0xdfff) {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 63);
        buf[p++] = 0x80 | (c & 63);
      } else {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          buf[p++] = 0xf0 | (cp >> 18);
          buf[p++] = 0x80 | ((cp >> 12) & 63);
          buf[p++] = 0x80 | ((cp >> 6) & 63);
          buf[p++] = 0x80 | (cp & 63);
          i++;
        } else {
          // A lone surrogate: JSON.stringify escapes it (\udXXX, lower-case hex).
          buf[p++] = 0x5c;
          buf[p++] = 0x75;
          buf[p++] = HEX[c >> 12]!;
          buf[p++] = HEX[(c >> 8) & 15]!;
          buf[p++] = HEX[(c >> 4) & 15]!;
          buf[p++] = HEX[c & 15]!;
        }
      }
    }
    buf[p++] = 0x22;
    this.pos = p;
  }

  /** A tagged value whose text must be a string (`{"$dec":"1.50"}`); anything else is deferred. */
  private tagged(prefix: Uint8Array, text: unknown): void {
    if (typeof text !== 'string') throw DEFER;
    this.bytes(prefix);
    this.string(text);
    this.reserve(1);
    this.buf[this.pos++] = 0x7d;
  }

  /** One value in its wire form, as `JSON.stringify(encodeValue(value))` writes it. */
  value(value: FerryValue): void {
    if (value === null) this.bytes(NULL);
    else if (typeof value === 'string') this.string(value);
    else if (typeof value === 'number') {
      if (Number.isFinite(value)) this.ascii(`${value}`);
      else this.bytes(value > 0 ? FLOAT_INF : value < 0 ? FLOAT_NEG_INF : FLOAT_NAN);
    } else if (typeof value === 'boolean') this.bytes(value ? TRUE : FALSE);
    else if (typeof value === 'bigint') {
      this.bytes(INT);
      this.ascii(value.toString());
      this.close2();
    } else if (typeof value !== 'object') {
      throw DEFER; // undefined, a function, a symbol: the reference encoding names the error
    }
    // The order of these checks is encodeValue's: it decides what an object matching two of them becomes.
    else if (value instanceof Decimal) this.tagged(DEC, value.value);
    else if (value instanceof Timestamp) this.tagged(TS, value.iso);
    else if (value instanceof DateOnly) this.tagged(DATE, value.iso);
    else if (value instanceof Uint8Array) {
      this.bytes(BIN);
      this.ascii(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'));
      this.close2();
    } else if (Array.isArray(value)) this.array(value);
    else if (value instanceof Date) this.tagged(TS, value.toISOString());
    else {
      this.bytes(OBJ);
      this.record(value as FerryRecord, false);
      this.reserve(1);
      this.buf[this.pos++] = 0x7d;
    }
  }

  /** `"}`: the end of a tagged value whose text needed no escaping. */
  private close2(): void {
    this.reserve(2);
    this.buf[this.pos++] = 0x22;
    this.buf[this.pos++] = 0x7d;
  }

  private array(values: readonly FerryValue[]): void {
    this.reserve(1);
    this.buf[this.pos++] = 0x5b;
    for (let i = 0; i < values.length; i++) {
      if (i > 0) {
        this.reserve(1);
        this.buf[this.pos++] = 0x2c;
      }
      const v = values[i];
      // A hole stays a hole through Array.prototype.map, and JSON.stringify writes it as null.
      if (v === undefined && !(i in values)) this.bytes(NULL);
      else this.value(v as FerryValue);
    }
    this.reserve(1);
    this.buf[this.pos++] = 0x5d;
  }

  /**
   * A record as `JSON.stringify(encodeRecord(record))` writes it. `cacheKeys`: the keys are column names,
   * which repeat on every row (not the keys of a JSON column's objects, which may be anything).
   */
  record(record: FerryRecord, cacheKeys = true): void {
    // Object.entries throws for null and lists a string's characters: the reference decides those.
    if (typeof record !== 'object' || record === null) throw DEFER;
    this.reserve(1);
    this.buf[this.pos++] = 0x7b;
    let first = true;
    // for…in with an own-property check visits what Object.keys lists, in its order, without allocating
    // the array (V8 walks its cache of the object's keys).
    for (const k in record) {
      if (!hasOwn(record, k)) continue;
      // encodeRecord assigns `out[k] = …`: for `__proto__` that sets the prototype, and the key is not written.
      if (k === '__proto__') continue;
      if (first) first = false;
      else {
        this.reserve(1);
        this.buf[this.pos++] = 0x2c;
      }
      if (cacheKeys) this.bytes(keyCache.get(k) ?? cacheKey(k));
      else {
        this.string(k);
        this.reserve(1);
        this.buf[this.pos++] = 0x3a;
      }
      this.value(record[k]!);
    }
    this.reserve(1);
    this.buf[this.pos++] = 0x7d;
  }

  /** One change as one NDJSON line, newline included. Throws DEFER for what the reference must encode. */
  change(change: { op: string; key: FerryRecord; row?: FerryRecord; position?: unknown }): void {
    const position = change.position;
    if (position !== undefined && typeof position !== 'string') throw DEFER;
    if (change.op === 'upsert') {
      this.bytes(UPSERT_KEY);
      this.record(change.key);
      this.bytes(ROW);
      this.record(change.row!);
    } else if (change.op === 'delete') {
      this.bytes(DELETE_KEY);
      this.record(change.key);
    } else throw DEFER;
    if (position !== undefined) {
      this.bytes(POS);
      this.string(position);
    }
    this.reserve(2);
    this.buf[this.pos++] = 0x7d;
    this.buf[this.pos++] = 0x0a;
  }
}

/**
 * Writes the valid UTF-8 text `src[start, end)` as a JSON string at `p` of `buf`, which has room for
 * `(end - start) * 6 + 2` bytes; returns where it ended. Byte for byte what {@link JsonWriter.string} writes
 * for that text decoded: only `"`, a backslash and control characters are escaped, and valid UTF-8 holds no
 * lone surrogate to escape.
 */
export function utf8StringAt(
  buf: Uint8Array,
  p: number,
  src: Uint8Array,
  start: number,
  end: number,
): number {
  buf[p++] = 0x22;
  for (let i = start; i < end; i++) {
    const c = src[i]!;
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) buf[p++] = c;
    else p = escapeAscii(buf, p, c);
  }
  buf[p++] = 0x22;
  return p;
}

/** Writes the JSON escape of `"`, a backslash or a control character at `p`, as JSON.stringify does; returns the end. */
function escapeAscii(buf: Uint8Array, p: number, c: number): number {
  buf[p++] = 0x5c;
  if (c === 0x22 || c === 0x5c) buf[p++] = c;
  else if (c === 0x08)
    buf[p++] = 0x62; // \b
  else if (c === 0x09)
    buf[p++] = 0x74; // \t
  else if (c === 0x0a)
    buf[p++] = 0x6e; // \n
  else if (c === 0x0c)
    buf[p++] = 0x66; // \f
  else if (c === 0x0d)
    buf[p++] = 0x72; // \r
  else {
    buf[p++] = 0x75; // \u00XX
    buf[p++] = 0x30;
    buf[p++] = 0x30;
    buf[p++] = HEX[c >> 4]!;
    buf[p++] = HEX[c & 15]!;
  }
  return p;
}

function cacheKey(k: string): Uint8Array {
  const w = new JsonWriter(k.length * 6 + 3);
  w.string(k);
  w.buf[w.pos++] = 0x3a;
  const prefix = w.buf.subarray(0, w.pos);
  // Column names are few; a source with ever-new names (JSON keys) must not grow this without bound.
  if (keyCache.size >= 10_000) keyCache.clear();
  keyCache.set(k, prefix);
  return prefix;
}
