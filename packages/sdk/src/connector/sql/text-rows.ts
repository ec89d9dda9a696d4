// Rows read as text (a dialect's eachTextRow: PostgreSQL's COPY … TO STDOUT) written straight into their
// change lines. Each field is the column's text output as UTF-8 bytes; a number, a date-time or a string goes
// from those bytes to its wire form without becoming a JS string or a Ferry value on the way. The bytes
// written are exactly those of the object path (decode the row, then encode the change): whatever a field
// writer is not sure to write identically it defers, and the row is then decoded and encoded that way.

import { encodeChangeInto } from '../../changes/codec.js';
import type { Change, FerryRecord, FerryValue } from '../../changes/index.js';
import { DEFER, type JsonWriter, utf8StringAt } from '../../changes/json-writer.js';
import { isDigit } from '../../changes/values.js';
import { FerryError } from '../../errors/index.js';
import type { SourceColumn } from '../source.js';
import { isIsoDateBytes, sqlDecoder, writeSqlTimestampIso } from './decode-value.js';
import type { SqlDialect } from './dialect.js';
import type { ResolvedTable } from './resolved-table.js';

/**
 * One row of a result read as text. Field `i` (the `i`-th column of the select list) is the column's text
 * output, valid UTF-8, at `bytes[start[i], end[i])`; `end[i]` is -1 for SQL NULL. `start` and `end` are
 * reused for the next row; `bytes` is never changed afterwards, so a reader may keep it.
 */
export interface TextRow {
  readonly bytes: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** How many fields the row has (`start` and `end` may be longer). */
  readonly count: number;
}

const ascii = (text: string): Uint8Array => Buffer.from(text, 'latin1');
const END = ascii('}}\n');
const INT = ascii('{"$int":"');
const DEC = ascii('{"$dec":"');
const DATE = ascii('{"$date":"');
const TS = ascii('{"$ts":"');

/** How a field is written: straight from its bytes (the kinds whose text form is known), or decoded. */
const STRING = 0;
const INTEGER = 1;
const BIGINT = 2;
const DECIMAL = 3;
const BOOLEAN = 4;
const DATE_ONLY = 5;
const TIMESTAMP = 6;
const DECODED = 7;

/** The kind of a column whose text form the byte writers know (as sqlDecoder decodes it). */
function kindOf(column: SourceColumn): number {
  switch (column.type) {
    case 'string':
    case 'text':
    case 'uuid':
    case 'time':
    case 'other':
      return STRING;
    case 'int':
      return INTEGER;
    case 'bigint':
      return BIGINT;
    case 'decimal':
      return DECIMAL;
    case 'boolean':
      return BOOLEAN;
    case 'date':
      return DATE_ONLY;
    case 'timestamp':
    case 'timestamptz':
      return TIMESTAMP;
    default:
      // float (the database's shortest form is not always JavaScript's), binary, json: decoded first.
      return DECODED;
  }
}

/**
 * Writes the upsert changes of a table's text rows. Made once per resolved table by {@link textRowWriter}.
 * Each row is written in one pass into room reserved once; a field is switched on by its kind, in one loop
 * that V8 compiles whole, rather than called through a function per column.
 */
export class TextRowWriter {
  /** Field index of each column written into the key, in the order the object path writes them. */
  private readonly keyFields: Int32Array;
  /** Field index of each column written into the row, in the same order. */
  private readonly rowFields: Int32Array;
  /** What comes before each key field: `{"op":"upsert","key":{"id":`, then `,"name":`. */
  private readonly keyPrefixes: Uint8Array[];
  /** What comes before each row field: `},"row":{"id":`, then `,"name":`. */
  private readonly rowPrefixes: Uint8Array[];
  /** Per field: its kind and its fraction digits (timestamps; -1 for none). */
  private readonly kinds: Uint8Array;
  private readonly scales: Int32Array;
  /** Bytes a line takes besides its fields' text, at most (prefixes, tags, `null`, `}}\n`). */
  private readonly fixed: number;

  constructor(
    private readonly dialect: SqlDialect,
    private readonly table: ResolvedTable,
  ) {
    const fieldOf = new Map(table.columns.map((c, i) => [c.name, i]));
    // The order of the object path is the order its records enumerate in (integer-like names first), so
    // it is read off a record built the same way.
    const row = table.decodeRow({});
    this.rowFields = Int32Array.from(Object.keys(row), (name) => fieldOf.get(name)!);
    this.keyFields = Int32Array.from(Object.keys(table.keyOf(row)), (name) => fieldOf.get(name)!);
    const name = (i: number) => JSON.stringify(table.columns[i]!.name);
    const prefixes = (fields: Int32Array, first: string) =>
      Array.from(fields, (i, j) => Buffer.from(`${j === 0 ? first : ','}${name(i)}:`, 'utf8'));
    this.keyPrefixes = prefixes(this.keyFields, '{"op":"upsert","key":{');
    this.rowPrefixes = prefixes(this.rowFields, '},"row":{');
    // The byte writers reproduce sqlDecoder's values; a dialect decoding otherwise gets the general path.
    const standard = dialect.decoder === sqlDecoder;
    this.kinds = Uint8Array.from(table.columns, (c) => (standard ? kindOf(c) : DECODED));
    this.scales = Int32Array.from(table.columns, (c) => c.scale ?? -1);
    const tags = 32; // the longest tag and its end (`{"$date":"` … `"}`), or `false`
    const size = (list: Uint8Array[]) => list.reduce((n, b) => n + b.length + tags, 0);
    this.fixed = size(this.keyPrefixes) + size(this.rowPrefixes) + END.length;
  }

  /**
   * Appends the upsert change of `row` as one NDJSON line. `index` names the change in the error for a row
   * that cannot be encoded (as for {@link encodeChangeInto}).
   */
  writeUpsert(w: JsonWriter, row: TextRow, index: number): void {
    this.checkCount(row);
    const { start, end } = row;
    let text = 0;
    for (let i = 0; i < row.count; i++) if (end[i]! > 0) text += end[i]! - start[i]!;
    // A byte of text takes at most six written (`\u00XX`), and key fields are written twice.
    const bound = this.fixed + text * 12;
    w.reserve(bound);
    const at = w.pos;
    let p: number;
    try {
      p = this.fieldsAt(w, at, row, this.keyFields, this.keyPrefixes, bound);
      if (p >= 0) p = this.fieldsAt(w, p, row, this.rowFields, this.rowPrefixes, bound);
    } catch (err) {
      w.pos = at; // a dialect's decoder failed: nothing of the line stays
      throw err;
    }
    if (p >= 0) {
      w.pos = copyAt(w.buf, p, END);
      return;
    }
    // A field the byte writers are not sure of: the whole row the object path's way.
    w.pos = at;
    encodeChangeInto(w, this.upsert(row), index);
  }

  /** The upsert of `row` as the object path makes it: the row decoded, its key taken from it. */
  upsert(row: TextRow): Change {
    const decoded = this.decodeRow(row);
    return { op: 'upsert', key: this.table.keyOf(decoded), row: decoded };
  }

  /**
   * The row as the object path decodes it: the driver value of each field's text, decoded. With `fields`,
   * only those (the other columns are null).
   */
  decodeRow(row: TextRow, fields: ArrayLike<number> = this.rowFields): FerryRecord {
    this.checkCount(row);
    const raw: Record<string, unknown> = {};
    for (const column of this.table.columns) raw[column.name] = null;
    for (let j = 0; j < fields.length; j++) {
      const i = fields[j]!;
      const column = this.table.columns[i]!;
      raw[column.name] = this.driverValue(column, row.bytes, row.start[i]!, row.end[i]!);
    }
    return this.table.decodeRow(raw);
  }

  /** Field `i` of `row` as the object path decodes it (null for NULL). */
  fieldValue(row: TextRow, i: number): FerryValue {
    this.checkCount(row);
    const column = this.table.columns[i];
    if (!column) throw new RangeError(`no field ${i}`);
    return this.table.decoders[i]!(this.driverValue(column, row.bytes, row.start[i]!, row.end[i]!));
  }

  /** The key of `row`, as the object path finds it. */
  keyOf(row: TextRow): FerryRecord {
    return this.table.keyOf(this.decodeRow(row, this.keyFields));
  }

  /**
   * A copy of `row`'s bounds (its bytes by reference), taken for the last row of a read while `row`'s
   * bounds are reused for the next row; `into`, a copy made before, is reused.
   */
  keep(row: TextRow, into?: TextRow): TextRow {
    const kept = into ?? {
      bytes: row.bytes,
      start: new Int32Array(row.count),
      end: new Int32Array(row.count),
      count: row.count,
    };
    (kept as { bytes: Uint8Array }).bytes = row.bytes;
    kept.start.set(row.start.subarray(0, kept.count));
    kept.end.set(row.end.subarray(0, kept.count));
    return kept;
  }

  /** The fields are the select list's: a row with another count is not this table's. */
  private checkCount(row: TextRow): void {
    if (row.count === this.table.columns.length) return;
    throw new FerryError(
      'FERRY_SOURCE_UNAVAILABLE',
      `${this.table.capture.table}: a row read as text has ${row.count} fields, not ${this.table.columns.length}`,
    );
  }

  /**
   * Writes `fields` of `row`, each after its prefix, at `p` of `w.buf` (room for `bound` bytes reserved from
   * there). Returns where it ended, or -1 for a field that must be written the object path's way.
   */
  private fieldsAt(
    w: JsonWriter,
    p: number,
    row: TextRow,
    fields: Int32Array,
    prefixes: Uint8Array[],
    bound: number,
  ): number {
    const { bytes, start, end } = row;
    const kinds = this.kinds;
    let buf = w.buf;
    for (let j = 0; j < fields.length; j++) {
      p = copyAt(buf, p, prefixes[j]!);
      const i = fields[j]!;
      const e = end[i]!;
      if (e < 0) {
        p = copyAt(buf, p, NULL);
        continue;
      }
      const s = start[i]!;
      switch (kinds[i]) {
        case STRING:
          p = utf8StringAt(buf, p, bytes, s, e);
          break;
        case INTEGER:
          // At most 15 digits: Number() reads them exactly and writes them back unchanged.
          if (e - s - (bytes[s] === 45 ? 1 : 0) > 15 || !isCanonicalInteger(bytes, s, e)) return -1;
          p = rawAt(buf, p, bytes, s, e);
          break;
        case BIGINT:
          if (!isCanonicalInteger(bytes, s, e)) return -1;
          p = closeTag(buf, rawAt(buf, copyAt(buf, p, INT), bytes, s, e));
          break;
        case DECIMAL:
          if (!isCanonicalDecimal(bytes, s, e)) return -1;
          p = closeTag(buf, rawAt(buf, copyAt(buf, p, DEC), bytes, s, e));
          break;
        case BOOLEAN: {
          const c = bytes[s];
          if (e - s !== 1 || (c !== 116 && c !== 102)) return -1; // t, f
          p = copyAt(buf, p, c === 116 ? TRUE : FALSE);
          break;
        }
        case DATE_ONLY:
          if (e - s !== 10 || !isIsoDateBytes(bytes, s)) return -1;
          p = closeTag(buf, rawAt(buf, copyAt(buf, p, DATE), bytes, s, e));
          break;
        case TIMESTAMP: {
          const scale = this.scales[i]!;
          p = writeSqlTimestampIso(bytes, s, e, buf, copyAt(buf, p, TS), scale < 0 ? undefined : scale);
          if (p < 0) return -1;
          p = closeTag(buf, p);
          break;
        }
        default:
          p = this.decodedAt(w, p, i, bytes, s, e, bound);
          if (p < 0) return -1;
          buf = w.buf;
      }
    }
    return p;
  }

  /** A field of a decoded kind, written through the writer at `p`; -1 when it must go the object path's way. */
  private decodedAt(
    w: JsonWriter,
    p: number,
    i: number,
    bytes: Uint8Array,
    start: number,
    end: number,
    bound: number,
  ): number {
    w.pos = p;
    try {
      w.value(this.table.decoders[i]!(this.driverValue(this.table.columns[i]!, bytes, start, end)));
    } catch (err) {
      if (err === DEFER) return -1;
      throw err;
    }
    const at = w.pos;
    w.reserve(bound);
    return at;
  }

  private driverValue(column: SourceColumn, src: Uint8Array, start: number, end: number): unknown {
    if (end < 0) return null;
    const text = Buffer.from(src.buffer, src.byteOffset, src.byteLength).toString('utf8', start, end);
    return this.dialect.textValue ? this.dialect.textValue(column, text) : text;
  }
}

const NULL = ascii('null');
const TRUE = ascii('true');
const FALSE = ascii('false');

/** Copies `bytes` to `buf` at `p`; returns the end. */
function copyAt(buf: Uint8Array, p: number, bytes: Uint8Array): number {
  for (let k = 0; k < bytes.length; k++) buf[p++] = bytes[k]!;
  return p;
}

/** Copies `src[start, end)` to `buf` at `p`; returns the end. */
function rawAt(buf: Uint8Array, p: number, src: Uint8Array, start: number, end: number): number {
  for (let k = start; k < end; k++) buf[p++] = src[k]!;
  return p;
}

/** `"}` at `p`: the end of a tagged value. */
function closeTag(buf: Uint8Array, p: number): number {
  buf[p] = 0x22;
  buf[p + 1] = 0x7d;
  return p + 2;
}

/** The writer of each resolved table, made on first use (a table's shape read again is a new table). */
const writers = new WeakMap<ResolvedTable, { dialect: SqlDialect; writer: TextRowWriter | undefined }>();

/**
 * The writer for a table's text rows, or undefined when the table cannot be written from text (a column
 * named `__proto__`, which records treat apart).
 */
export function textRowWriter(dialect: SqlDialect, table: ResolvedTable): TextRowWriter | undefined {
  const made = writers.get(table);
  if (made?.dialect === dialect) return made.writer;
  const writer = table.columns.some((c) => c.name === '__proto__')
    ? undefined
    : new TextRowWriter(dialect, table);
  writers.set(table, { dialect, writer });
  return writer;
}

/** `-?(0|[1-9]\d*)` and not `-0`: the text BigInt reads and writes back unchanged. */
function isCanonicalInteger(src: Uint8Array, start: number, end: number): boolean {
  const first = src[start] === 45 ? start + 1 : start;
  if (first >= end) return false;
  if (src[first] === 48) return end === first + 1 && first === start;
  for (let i = first; i < end; i++) if (!isDigit(src[i]!)) return false;
  return true;
}

/** Decimal text that Decimal keeps as it is: `-?(0|[1-9]\d*)(\.\d+)?`, not a negative zero. */
function isCanonicalDecimal(src: Uint8Array, start: number, end: number): boolean {
  const negative = src[start] === 45;
  let i = negative ? start + 1 : start;
  const first = i;
  while (i < end && isDigit(src[i]!)) i++;
  if (i === first || (src[first] === 48 && i > first + 1)) return false;
  let nonZero = negative && !(i === first + 1 && src[first] === 48);
  if (i < end) {
    if (src[i] !== 46) return false;
    const fraction = ++i;
    for (; i < end; i++) {
      const c = src[i]!;
      if (!isDigit(c)) return false;
      if (c !== 48) nonZero = true;
    }
    if (i === fraction) return false;
  }
  // -0, -0.00: Decimal drops the sign.
  return !negative || nonZero;
}
