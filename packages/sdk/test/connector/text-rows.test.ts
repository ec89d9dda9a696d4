// Rows read as text (TextRowWriter) against the object path they must reproduce byte for byte: each field's
// text turned into its driver value, the row decoded (table.decodeRow), the change encoded (encodeChangeInto).
// Thousands of seeded random rows of every column type, fields scattered through shared byte buffers.
import { inspect, isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { changesWriter, encodeChangeInto, finishChanges } from '../../src/changes/codec.js';
import { JsonWriter } from '../../src/changes/json-writer.js';
import type { CaptureTable, ColumnType, SourceColumn, SourceTable } from '../../src/connector/source.js';
import {
  decodeSqlValue,
  parseSqlTimestamp,
  SQL_TIMESTAMP_ISO_MAX,
  sqlDecoder,
  writeSqlTimestampIso,
} from '../../src/connector/sql/decode-value.js';
import type { SqlDialect } from '../../src/connector/sql/dialect.js';
import { type ResolvedTable, resolveTable } from '../../src/connector/sql/resolved-table.js';
import { type TextRow, type TextRowWriter, textRowWriter } from '../../src/connector/sql/text-rows.js';
import { FerryError } from '../../src/errors/index.js';
import { rng } from '../helpers/random.js';

// --- a dialect and tables -----------------------------------------------------------------------------------

/** Column types the writer always decodes (through textValue); the others it writes from their bytes. */
const DECODED_TYPES = new Set<ColumnType>(['float', 'binary', 'json']);
/**
 * Calls of pgTextValue for a column of another type: while a row is written, the writer calls it only for a
 * row it could not write from the bytes (then decoded the object path's way).
 */
let deferredCalls = 0;

/** PostgreSQL's pg parsers for the text output of a column (what eachRow's driver would give). */
function pgTextValue(column: SourceColumn, text: string): unknown {
  if (!DECODED_TYPES.has(column.type)) deferredCalls++;
  switch (column.type) {
    case 'boolean':
      return text === 't';
    case 'int':
    case 'float':
      return Number(text);
    case 'binary':
      return text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'latin1');
    default:
      return text;
  }
}

/** Just what resolveTable and TextRowWriter use of a dialect; the rest is never called. */
function dialectWith(over: Partial<SqlDialect> = {}): SqlDialect {
  return {
    name: 'test',
    quote: (s: string) => `"${s}"`,
    decoder: sqlDecoder,
    decode: decodeSqlValue,
    textValue: pgTextValue,
    ...over,
  } as unknown as SqlDialect;
}

const pg = dialectWith();
/** Another decoder (the same values): every field goes the decoded way. */
const wrapped = dialectWith({
  decoder: (column: SourceColumn) => {
    const decode = sqlDecoder(column);
    return (value: unknown) => decode(value);
  },
});
/** A decoder of its own, whose values are not sqlDecoder's: the writer must not write sqlDecoder's. */
const custom = dialectWith({
  decoder: (column: SourceColumn) => {
    const decode = sqlDecoder(column);
    return (value: unknown) => {
      const v = decode(value);
      return typeof v === 'string' ? `<${v}>` : typeof v === 'boolean' ? !v : v;
    };
  },
});
/** No textValue: the driver value is the text itself. */
const plain = dialectWith({ textValue: undefined });

const col = (name: string, type: ColumnType, extra: Partial<SourceColumn> = {}): SourceColumn => ({
  name,
  type,
  nativeType: type,
  nullable: true,
  primaryKey: false,
  ...extra,
});

const NOTE = 'note "ñ中\\😀';
/** Every column type the writer handles; integer-like names ('10', '2') enumerate first in records. */
const COLUMNS: SourceColumn[] = [
  col('id', 'bigint'),
  col('10', 'int'),
  col('amount', 'decimal', { precision: 12, scale: 2 }),
  col('ratio', 'float'),
  col('active', 'boolean'),
  col('name', 'string', { length: 40 }),
  col(NOTE, 'text'),
  col('uid', 'uuid'),
  col('at_time', 'time', { scale: 3 }),
  col('other', 'other'),
  col('born', 'date'),
  col('local', 'timestamp', { scale: 6 }),
  col('stamped', 'timestamptz', { scale: 3 }),
  col('stamped_any', 'timestamptz'),
  col('local0', 'timestamp', { scale: 0 }),
  col('stamped9', 'timestamptz', { scale: 9 }),
  col('2', 'binary'),
  col('doc', 'json'),
];

function meta(columns: SourceColumn[], primaryKey: string[]): SourceTable {
  return { name: 'public.things', schema: 'public', columns, primaryKey };
}

function capture(over: Partial<CaptureTable> = {}): CaptureTable {
  return { table: 'public.things', strategy: { kind: 'diff' }, ...over };
}

/** Key (name, id): not in table order. */
const keyedByName = (dialect: SqlDialect) =>
  resolveTable(dialect, capture({ key: ['name', 'id'] }), meta(COLUMNS, []));
/** Key ('10', '2'), enumerated '2' first; `other` not captured (the row's fields are the captured columns). */
const keyedByNumbers = (dialect: SqlDialect) =>
  resolveTable(
    dialect,
    capture({ key: ['10', '2'], columns: { exclude: ['other'] } }),
    meta(COLUMNS, ['id']),
  );

/** Only columns written from their bytes: nothing decoded on the way grows the writer after the first reserve. */
const bytesOnly = (dialect: SqlDialect) =>
  resolveTable(
    dialect,
    capture(),
    meta(
      [
        col('id', 'bigint'),
        col(NOTE, 'text'),
        col('10', 'int'),
        col('flag', 'boolean'),
        col('born', 'date'),
        col('stamped', 'timestamptz', { scale: 3 }),
      ],
      [NOTE, 'id'],
    ),
  );

// --- field texts --------------------------------------------------------------------------------------------

type Rand = () => number;
const intOf = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, list: readonly T[]): T => list[intOf(r, list.length)]!;
const digits = (r: Rand, n: number) => {
  let s = '';
  for (let k = 0; k < n; k++) s += String(intOf(r, 10));
  return s;
};
const pad = (n: number, w: number) => String(n).padStart(w, '0');

const INTS = [
  '0',
  '-0',
  '007',
  '1',
  '-1',
  '42',
  '123456789012345',
  '-123456789012345',
  '999999999999999',
  '1234567890123456',
  '-1234567890123456',
  '12345678901234567',
  '9007199254740993',
  '-2147483648',
  '2147483647',
  '1e3',
  '',
  '+5',
  ' 7',
  '0x1f',
  '-',
  '1.5',
  'abc',
];
const BIGINTS = [
  '0',
  '-0',
  '00042',
  '-007',
  '+5',
  '-9223372036854775808',
  '9223372036854775807',
  '18446744073709551615',
  '123456789012345678901234567890123456789',
  '',
  ' 12 ',
  '0x1f',
  '-',
];
/** Text BigInt refuses: the object path throws (rare, so that most rows are written). */
const BAD_BIGINTS = ['1e3', '1.5', 'abc', '--1'];
const DECIMALS = [
  '0',
  '-0',
  '-0.00',
  '0.000',
  '00.5',
  '-00',
  '1.',
  '.5',
  '-.5',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e5',
  '123.4500',
  '-0.5',
  '-0.0001',
  '12345678901234567890.12',
  '',
  '-',
  ' 1.5',
  '+1.5',
  '1.5.5',
];
const FLOATS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e-7',
  '0.1',
  '-0',
  '0',
  '1.7976931348623157e+308',
  '5e-324',
  '1e21',
  '123456789012345680000',
  '3.14159',
  '-2.5',
  '1e+300',
  '',
  'abc',
  '0.30000000000000004',
];
const BOOLEANS = ['t', 'f', 't', 'f', 'true', 'false', '1', '0', '', ' t', 'T', 'tt'];
const DATES = [
  '2026-11-26',
  '1990-01-31',
  'infinity',
  '-infinity',
  '0099-01-01 BC',
  '20261126',
  '2026-1-26',
  '12026-11-26',
  '2026-11-26 ',
  '2026-11-2x',
  '２026-11-26',
  '',
];
const ZONES = [
  '',
  '',
  '+08',
  '-03',
  '+00',
  '+05:30',
  '-09:30',
  '+0530',
  'Z',
  '+05:30:15',
  '+5',
  '+05:3',
  '+053',
  'z',
  '+0x',
  '+05;30',
  '＋08',
  ' +08',
];
const TIMESTAMPS = [
  'infinity',
  '-infinity',
  '2026-11-26',
  '2026-11-26 08:00:00 BC',
  '12026-11-26 08:00:00',
  '2026-11-26 8:00:00',
  '2026-11-26  08:00:00',
  '',
  'x'.repeat(70),
  `2026-11-26 08:00:00.${'1'.repeat(60)}`,
];

function timestampText(r: Rand): string {
  if (r() < 0.08) return pick(r, TIMESTAMPS);
  const date = `${pad(intOf(r, 10000), 4)}-${pad(1 + intOf(r, 12), 2)}-${pad(1 + intOf(r, 28), 2)}`;
  const time = `${pad(intOf(r, 24), 2)}:${pad(intOf(r, 60), 2)}:${pad(intOf(r, 60), 2)}`;
  const sep = r() < 0.85 ? ' ' : pick(r, ['T', 't', '_']);
  const f = intOf(r, 14);
  const fraction = f === 0 ? '' : f === 11 ? '.' : f >= 12 ? `.${digits(r, 9 + f - 11)}` : `.${digits(r, f)}`;
  let text = `${date}${sep}${time}${fraction}${pick(r, ZONES)}`;
  // A character changed now and then: most such texts are refused, some are still date-times.
  if (r() < 0.05) {
    const at = intOf(r, text.length);
    text = text.slice(0, at) + pick(r, ['0', '9', ':', '-', '.', '+', 'é', ' ']) + text.slice(at + 1);
  }
  return text;
}

const CHARS = [
  ...'abcXYZ019 -_.,;:/',
  '"',
  '\\',
  '\t',
  '\n',
  '\r',
  '\b',
  '\f',
  '\x00',
  '\x01',
  '\x1b',
  '\x1f',
  '\x7f',
  '\x80',
  'é',
  'ß',
  '中',
  '文',
  '😀',
  '🇨🇳',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\uffff',
];

function stringText(r: Rand): string {
  const n = r() < 0.01 ? 1030 + intOf(r, 40) : intOf(r, r() < 0.2 ? 3 : 30);
  let s = '';
  for (let k = 0; k < n; k++) s += pick(r, CHARS);
  return s;
}

function hex(r: Rand, bytes: number): string {
  let s = '';
  for (let k = 0; k < bytes; k++) s += intOf(r, 256).toString(16).padStart(2, '0');
  return s;
}

const JSONS = [
  '{"a":1}',
  '[1,2,"x",null,true]',
  '"str"',
  '123',
  '-0',
  '1e400',
  '1.5e-7',
  'null',
  'true',
  '{"__proto__":{"x":1},"b":2}',
  '{"$int":"5"}',
  '{"10":1,"2":2,"a":3,"":"empty"}',
  '{"a":{"b":[{"c":null}],"d":"中\\u0000\\""}}',
  '{"k":"\\ud800"}',
  'not json',
  '',
  '{"a":1,}',
  '  {"spaced" : [ ] }  ',
];

/** Canonical text: what the byte writers write themselves (a row of only such fields is not deferred). */
function cleanText(r: Rand, type: ColumnType): string {
  const sign = () => (r() < 0.3 ? '-' : '');
  const natural = (n: number) => `${1 + intOf(r, 9)}${digits(r, n - 1)}`;
  switch (type) {
    case 'int':
      return r() < 0.05 ? '0' : sign() + natural(1 + intOf(r, 15));
    case 'bigint':
      return r() < 0.05 ? '0' : sign() + natural(1 + intOf(r, 25));
    case 'decimal': {
      const int = r() < 0.3 ? '0' : natural(1 + intOf(r, 20));
      const fraction = r() < 0.7 ? `.${digits(r, 1 + intOf(r, 10))}` : '';
      const text = int + fraction;
      return /[1-9]/.test(text) ? sign() + text : text;
    }
    case 'float': {
      const v = (r() - 0.5) * 10 ** (intOf(r, 40) - 20);
      return r() < 0.5 ? String(v) : v.toPrecision(1 + intOf(r, 17));
    }
    case 'boolean':
      return r() < 0.5 ? 't' : 'f';
    case 'date':
      return dateText(r);
    case 'timestamp':
    case 'timestamptz': {
      const f = intOf(r, 11);
      const fraction = f === 0 ? '' : f === 10 ? '.' : `.${digits(r, f)}`;
      const zone = pick(r, ['', '+08', '-03', '+05:30', '-09:30', '+0530', 'Z']);
      return `${dateText(r)}${r() < 0.9 ? ' ' : 'T'}${timeText(r)}${fraction}${zone}`;
    }
    case 'uuid':
      return `${hex(r, 4)}-${hex(r, 2)}-${hex(r, 2)}-${hex(r, 2)}-${hex(r, 6)}`;
    case 'time':
      return `${timeText(r)}.${digits(r, 3)}`;
    case 'binary':
      return `\\x${hex(r, intOf(r, 24))}`;
    case 'json':
      return r() < 0.7 ? pick(r, JSONS) : JSON.stringify({ s: stringText(r), n: intOf(r, 1000) });
    default:
      return stringText(r);
  }
}

const dateText = (r: Rand) =>
  `${pad(intOf(r, 10000), 4)}-${pad(1 + intOf(r, 12), 2)}-${pad(1 + intOf(r, 31), 2)}`;
const timeText = (r: Rand) => `${pad(intOf(r, 24), 2)}:${pad(intOf(r, 60), 2)}:${pad(intOf(r, 60), 2)}`;

const STRING_EDGES = [
  ...CHARS,
  '',
  'a"b\\c',
  '\x00\x1f\x7f',
  '中文😀\u2028',
  '\ufeffbom',
  `${'\x01"\\é😀'.repeat(220)}`, // longer than 1024 UTF-16 units: JSON.stringify's path in the object path
];
const TIMESTAMP_EDGES = [
  ...TIMESTAMPS,
  ...ZONES.map((zone) => `2026-11-26 08:00:00${zone}`),
  ...ZONES.map((zone) => `2026-11-26T23:59:59.5${zone}`),
  ...Array.from({ length: 11 }, (_, n) => `2026-11-26 08:00:00.${'1234567890'.slice(0, n)}`),
  ...Array.from({ length: 11 }, (_, n) => `2026-11-26 08:00:00.${'9876543210'.slice(0, n)}+08`),
];
/** Text near the edges of each type: each is put alone in a row otherwise written from its bytes. */
const EDGES: Record<ColumnType, readonly string[]> = {
  int: INTS,
  bigint: [...BIGINTS, ...BAD_BIGINTS],
  decimal: DECIMALS,
  float: FLOATS,
  boolean: BOOLEANS,
  date: DATES,
  timestamp: TIMESTAMP_EDGES,
  timestamptz: TIMESTAMP_EDGES,
  string: STRING_EDGES,
  text: STRING_EDGES,
  other: STRING_EDGES,
  uuid: ['', '"', '00000000-0000-0000-0000-000000000000', 'not-a-uuid\n'],
  time: ['24:00:00', '08:00:00.123456', '08:00:00+05:30', '', 'allballs'],
  binary: ['\\x', '\\xZZ', '\\x0', '\\xABCDEF', '\\xdeadbeef', 'abc', '\\x\u00e9', ''],
  json: JSONS,
};

/** Any text: canonical, an edge, or a canonical date-time with a character changed. */
function anyText(r: Rand, type: ColumnType, isKey: boolean): string {
  // A bigint BigInt refuses (the row is then refused both ways) only now and then, and never in a key.
  if (type === 'bigint' && (isKey || r() > 0.01)) return r() < 0.4 ? pick(r, BIGINTS) : cleanText(r, type);
  if (r() < 0.45) return pick(r, EDGES[type]);
  if (type === 'timestamp' || type === 'timestamptz') return timestampText(r);
  return cleanText(r, type);
}

/**
 * The field texts of `count` rows of `table`: first each edge text of each column alone in a row of canonical
 * fields (and a row of NULLs, a row of only its key), then random rows, some all canonical, some with one
 * odd field, some with any text in every field, with few or many NULLs.
 */
function plan(r: Rand, table: ResolvedTable, count: number): (string | null)[][] {
  const columns = table.columns;
  const isKey = columns.map((c) => table.key.includes(c));
  const clean = (nulls: number) => columns.map((c) => (r() < nulls ? null : cleanText(r, c.type)));
  const rows: (string | null)[][] = [];
  columns.forEach((c, i) => {
    for (const text of EDGES[c.type]) {
      const texts = clean(0.1);
      texts[i] = text;
      rows.push(texts);
    }
  });
  rows.push(columns.map(() => null));
  rows.push(columns.map((c, i) => (isKey[i] ? cleanText(r, c.type) : null)));
  while (rows.length < count) {
    const nulls = pick(r, [0, 0.1, 0.1, 0.5, 0.95]);
    const mode = r();
    if (mode < 0.7) {
      const texts = clean(nulls);
      const i = intOf(r, columns.length);
      if (mode < 0.4) texts[i] = anyText(r, columns[i]!.type, isKey[i]!);
      rows.push(texts);
    } else rows.push(columns.map((c, i) => (r() < nulls ? null : anyText(r, c.type, isKey[i]!))));
  }
  return rows;
}

// --- rows as text in shared buffers -------------------------------------------------------------------------

interface Sample {
  /** Each field's text, null for SQL NULL. */
  texts: (string | null)[];
  row: TextRow & { start: Int32Array; end: Int32Array };
}

const JUNK = [...'0123456789:.+-Z \\"\n'];

/**
 * Rows of the given field texts with their fields in one shared buffer: at arbitrary offsets (never 0), in shuffled
 * order, separated by bytes that would change a reader's result if it went past a field's end. The buffer is a
 * view into a larger ArrayBuffer (byteOffset not 0).
 */
function layOut(r: Rand, rows: readonly (string | null)[][]): Sample[] {
  const parts: Buffer[] = [];
  let size = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    size += b.length;
    return size - b.length;
  };
  const junk = () => {
    let s = '';
    for (let k = intOf(r, 4); k >= 0; k--) s += pick(r, JUNK);
    push(Buffer.from(s, 'utf8'));
  };
  const samples: { texts: (string | null)[]; at: number[]; len: number[] }[] = [];
  for (const texts of rows) {
    const at: number[] = new Array(texts.length).fill(0);
    const len: number[] = new Array(texts.length).fill(-1);
    const order = texts.map((_, i) => i);
    for (let k = order.length - 1; k > 0; k--) {
      const j = intOf(r, k + 1);
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    for (const i of order) {
      junk();
      const text = texts[i];
      if (text === null || text === undefined) continue;
      const bytes = Buffer.from(text, 'utf8');
      at[i] = push(bytes);
      len[i] = bytes.length;
    }
    samples.push({ texts, at, len });
  }
  junk();
  const lead = 3 + intOf(r, 13);
  const backing = new Uint8Array(lead + size + 7).fill(0x39); // '9' around the view
  const bytes = backing.subarray(lead, lead + size);
  let p = 0;
  for (const b of parts) {
    bytes.set(b, p);
    p += b.length;
  }
  return samples.map(({ texts, at, len }) => {
    // Longer than the row, the extra slots holding garbage.
    const start = new Int32Array(texts.length + 3).fill(7);
    const end = new Int32Array(texts.length + 3).fill(3);
    texts.forEach((_, i) => {
      if (len[i]! < 0) {
        start[i] = intOf(r, size); // whatever: ignored for NULL
        end[i] = -1;
      } else {
        start[i] = at[i]!;
        end[i] = at[i]! + len[i]!;
      }
    });
    return { texts, row: { bytes, start, end, count: texts.length } };
  });
}

/** The driver row of a sample as the object path gets it. */
function rawOf(dialect: SqlDialect, table: ResolvedTable, texts: (string | null)[]): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  table.columns.forEach((column, i) => {
    const text = texts[i];
    raw[column.name] =
      text === null || text === undefined ? null : dialect.textValue ? dialect.textValue(column, text) : text;
  });
  return raw;
}

type Outcome = { bytes: Buffer } | { error: string };

function objectPath(
  w: JsonWriter,
  table: ResolvedTable,
  raw: Record<string, unknown>,
  index: number,
): Outcome {
  const at = w.pos;
  try {
    const decoded = table.decodeRow(raw);
    encodeChangeInto(w, { op: 'upsert', key: table.keyOf(decoded), row: decoded }, index);
  } catch (err) {
    w.pos = at;
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
  return { bytes: Buffer.from(w.buf.subarray(at, w.pos)) };
}

function textPath(
  w: JsonWriter,
  writer: TextRowWriter,
  row: TextRow,
  index: number,
): Outcome & { pos: number } {
  const at = w.pos;
  try {
    writer.writeUpsert(w, row, index);
  } catch (err) {
    const pos = w.pos;
    w.pos = at;
    return { error: `${(err as Error).name}: ${(err as Error).message}`, pos: pos - at };
  }
  return { bytes: Buffer.from(w.buf.subarray(at, w.pos)), pos: w.pos - at };
}

const show = (o: Outcome) => ('error' in o ? `throws ${o.error}` : o.bytes.toString('utf8'));

function sameOutcome(a: Outcome, b: Outcome): boolean {
  if ('error' in a || 'error' in b) return 'error' in a && 'error' in b && a.error === b.error;
  return a.bytes.equals(b.bytes);
}

interface Report {
  rows: number;
  written: number;
  threw: number;
  mismatches: string[];
  /** Rows written from their bytes (not deferred to the object path; counted with pgTextValue only). */
  fromBytes: number;
  /** Rows where a throwing writeUpsert left bytes behind in the writer (the object path leaves none). */
  partialOnThrow: number;
}

/**
 * Writes `count` rows (see {@link plan}) both ways and compares: the bytes (in writers that accumulate, and in a small
 * fresh writer that must grow), keyOf, keep, and decodeRow.
 */
function differential(seed: number, dialect: SqlDialect, table: ResolvedTable, count: number): Report {
  const r = rng(seed);
  const writer = textRowWriter(dialect, table);
  if (!writer) throw new Error('no writer');
  const w1 = changesWriter(1);
  const w2 = changesWriter(1);
  const report: Report = { rows: 0, written: 0, threw: 0, mismatches: [], fromBytes: 0, partialOnThrow: 0 };
  const rows = plan(r, table, count);
  const describeRow = (texts: (string | null)[]) =>
    table.columns
      .map(
        (c, i) =>
          `${c.name} (${c.type}${c.scale === undefined ? '' : `, scale ${c.scale}`}): ${JSON.stringify(texts[i])}`,
      )
      .join('\n  ');
  const fail = (what: string, texts: (string | null)[], got: string, want: string) => {
    if (report.mismatches.length < 5)
      report.mismatches.push(
        `${what}\n  ${describeRow(texts)}\n  text path:   ${got}\n  object path: ${want}`,
      );
    else report.mismatches.push(what);
  };
  let kept: TextRow | undefined;
  let keptKey: unknown;
  let keptLine: Outcome | undefined;
  let index = 0;
  while (index < rows.length) {
    const samples = layOut(r, rows.slice(index, index + 1 + intOf(r, 12)));
    for (const { texts, row } of samples) {
      const raw = rawOf(dialect, table, texts);
      const want = objectPath(w2, table, raw, index);
      const calls = deferredCalls;
      const got = textPath(w1, writer, row, index);
      if (deferredCalls === calls && !('error' in got)) report.fromBytes++;
      report.rows++;
      if ('error' in want) report.threw++;
      else report.written++;
      if (!sameOutcome(got, want)) fail(`row ${index}: writeUpsert differs`, texts, show(got), show(want));
      if ('error' in got && got.pos !== 0) report.partialOnThrow++;
      // Into a small writer, part full: the line must fit the room it reserves.
      const small = new JsonWriter(64);
      small.pos = intOf(r, 64);
      const alone = textPath(small, writer, row, index);
      if (!sameOutcome(alone, want))
        fail(`row ${index}: writeUpsert into a small writer differs`, texts, show(alone), show(want));

      // keyOf: the object path's key (decoding only the key columns when another column cannot be decoded).
      let wantKey: unknown;
      try {
        const keysOnly = Object.fromEntries(
          table.columns.map((c) => [c.name, table.key.includes(c) ? raw[c.name] : null]),
        );
        wantKey = table.keyOf(table.decodeRow('error' in want ? keysOnly : raw));
      } catch (err) {
        wantKey = `throws ${(err as Error).message}`;
      }
      let gotKey: unknown;
      try {
        gotKey = writer.keyOf(row);
      } catch (err) {
        gotKey = `throws ${(err as Error).message}`;
      }
      if (!equal(gotKey, wantKey))
        fail(`row ${index}: keyOf differs`, texts, inspect(gotKey), inspect(wantKey));
      if (!('error' in want)) {
        const decoded = writer.decodeRow(row);
        const wantRow = table.decodeRow(raw);
        if (!equal(decoded, wantRow)) fail(`row ${index}: decodeRow differs`, texts, '', '');
        // fieldValue: one field decoded, as the object path's row holds it.
        table.columns.forEach((column, i) => {
          const got = writer.fieldValue(row, i);
          if (!equal(got, wantRow[column.name] ?? null))
            fail(
              `row ${index}: fieldValue(${column.name}) differs`,
              texts,
              inspect(got),
              inspect(wantRow[column.name]),
            );
        });
      }

      // keep: a copy of the bounds survives the row's arrays being reused.
      if (kept && !equal(writer.keyOf(kept), keptKey))
        fail(`row ${index}: a kept row's key changed`, texts, '', '');
      if (kept && keptLine && !sameOutcome(textPath(new JsonWriter(64), writer, kept, index), keptLine))
        fail(`row ${index}: a kept row's line changed`, texts, '', '');
      // Kept unless its key cannot be decoded (keyOf throws for it).
      if (typeof wantKey !== 'string') {
        kept = writer.keep(row, r() < 0.5 ? kept : undefined);
        keptKey = wantKey;
        keptLine = want;
      }
      index++;
    }
    // The arrays of the rows just written are reused by the next read: garbage now.
    for (const { row } of samples) {
      row.start.fill(intOf(r, 5));
      row.end.fill(intOf(r, 5) - 1);
    }
  }
  // The whole batch, as finishChanges hands it out.
  const all1 = Buffer.from(finishChanges(w1, report.written));
  const all2 = Buffer.from(finishChanges(w2, report.written));
  if (!all1.equals(all2)) report.mismatches.push('the accumulated batches differ');
  return report;
}

/** Deep equality (class, own properties), without the cost of an assertion per row. */
const equal = isDeepStrictEqual;

// --- the tests ----------------------------------------------------------------------------------------------

describe('TextRowWriter', () => {
  it('writes the exact line of the object path (hand-written cases)', () => {
    const table = resolveTable(
      pg,
      capture(),
      meta(
        [
          col('id', 'bigint', { primaryKey: true }),
          col('note', 'text'),
          col('at', 'timestamptz', { scale: 3 }),
          col('10', 'int'),
          col('2', 'boolean'),
        ],
        ['id'],
      ),
    );
    const writer = textRowWriter(pg, table)!;
    const line = (...texts: (string | null)[]) => {
      const [row] = rowsOf([texts]);
      const w = changesWriter(1);
      writer.writeUpsert(w, row!, 0);
      return w.buf.toString('utf8', 0, w.pos);
    };
    expect(line('12', 'a"b', '2026-11-26 08:00:00.5+08', '7', 't')).toBe(
      '{"op":"upsert","key":{"id":{"$int":"12"}},"row":{"2":true,"10":7,"id":{"$int":"12"},"note":"a\\"b","at":{"$ts":"2026-11-26T08:00:00.500+08:00"}}}\n',
    );
    expect(line('-0', 'tab\there\n\u0001', '2026-11-26 08:00:00+05:30', '007', 'true')).toBe(
      '{"op":"upsert","key":{"id":{"$int":"0"}},"row":{"2":false,"10":7,"id":{"$int":"0"},"note":"tab\\there\\n\\u0001","at":{"$ts":"2026-11-26T08:00:00.000+05:30"}}}\n',
    );
    expect(line('5', null, 'infinity', null, null)).toBe(
      '{"op":"upsert","key":{"id":{"$int":"5"}},"row":{"2":null,"10":null,"id":{"$int":"5"},"note":null,"at":"infinity"}}\n',
    );
    expect(line('9', '中😀\\', '2026-11-26T08:00:00.123456789Z', '1e3', 'f')).toBe(
      '{"op":"upsert","key":{"id":{"$int":"9"}},"row":{"2":false,"10":1000,"id":{"$int":"9"},"note":"中😀\\\\","at":{"$ts":"2026-11-26T08:00:00.123456789Z"}}}\n',
    );
  });

  it('writes every type as the object path decodes it (hand-written cases)', () => {
    const table = resolveTable(
      pg,
      capture(),
      meta(
        [
          col('k', 'int'),
          col('d', 'decimal'),
          col('f', 'float'),
          col('day', 'date'),
          col('ts', 'timestamp', { scale: 6 }),
          col('b', 'binary'),
          col('j', 'json'),
        ],
        ['k'],
      ),
    );
    const writer = textRowWriter(pg, table)!;
    const rowOf = (...texts: (string | null)[]) => {
      const [row] = rowsOf([texts]);
      const w = changesWriter(1);
      writer.writeUpsert(w, row!, 0);
      const text = w.buf.toString('utf8', 0, w.pos);
      return text.slice(text.indexOf('"row":') + 6, -2);
    };
    expect(
      rowOf('1', '-0.00', 'NaN', '2026-11-26', '2026-11-26 08:00:00.5', '\\xdeadbeef', '{"a":[1,"x"]}'),
    ).toBe(
      '{"k":1,"d":{"$dec":"0.00"},"f":{"$float":"NaN"},"day":{"$date":"2026-11-26"},"ts":{"$ts":"2026-11-26T08:00:00.500000"},"b":{"$bin":"3q2+7w=="},"j":{"$obj":{"a":[1,"x"]}}}',
    );
    expect(rowOf('2', '00.50', '1e-7', 'infinity', '2026-11-26 08:00:00.', '\\x', 'nope')).toBe(
      '{"k":2,"d":{"$dec":"0.50"},"f":1e-7,"day":"infinity","ts":{"$ts":"2026-11-26T08:00:00.000000"},"b":{"$bin":""},"j":"nope"}',
    );
    expect(rowOf('3', 'Infinity', '-0', '20261126', '2026-11-26 08:00:00+05:30:15', null, '1e400')).toBe(
      '{"k":3,"d":{"$float":"Infinity"},"f":0,"day":"20261126","ts":"2026-11-26 08:00:00+05:30:15","b":null,"j":{"$float":"Infinity"}}',
    );
  });

  it('writes thousands of random rows exactly as the object path (key in another order than the table)', () => {
    const report = differential(1, pg, keyedByName(pg), 2000);
    expect(report.mismatches).toEqual([]);
    expect(report.partialOnThrow).toBe(0);
    // Most rows are written, many of them from their bytes; some the object path refuses (a bigint that
    // BigInt cannot read), and so does the writer.
    expect(report.written).toBeGreaterThan(1900);
    expect(report.fromBytes).toBeGreaterThan(1000);
    expect(report.threw).toBeGreaterThan(0);
  });

  it('keeps the record order of the object path: integer-like names first, uncaptured columns left out', () => {
    const table = keyedByNumbers(pg);
    expect(table.columns.map((c) => c.name)).not.toContain('other');
    const report = differential(2, pg, table, 800);
    expect(report.mismatches).toEqual([]);
    expect(report.partialOnThrow).toBe(0);
    expect(report.written).toBeGreaterThan(600);
    expect(report.fromBytes).toBeGreaterThan(300);
  });

  it('writes rows of only columns written from their bytes (the room reserved once must hold the line)', () => {
    const report = differential(5, pg, bytesOnly(pg), 400);
    expect(report.mismatches).toEqual([]);
    expect(report.fromBytes).toBeGreaterThan(250);
  });

  it('writes the same bytes when the dialect decodes otherwise (every field decoded)', () => {
    const report = differential(3, wrapped, keyedByName(wrapped), 600);
    expect(report.mismatches).toEqual([]);
    expect(report.written).toBeGreaterThan(500);
    // A decoder that throws mid-row (BigInt of `1e3`) leaves nothing of the line behind.
    expect(report.threw).toBeGreaterThan(0);
    expect(report.partialOnThrow).toBe(0);
  });

  it("follows a dialect's own decoder", () => {
    const report = differential(6, custom, bytesOnly(custom), 300);
    expect(report.mismatches).toEqual([]);
    expect(report.written).toBeGreaterThan(250);
  });

  it('writes the same bytes when the dialect has no textValue (the driver value is the text)', () => {
    const report = differential(4, plain, keyedByNumbers(plain), 600);
    expect(report.mismatches).toEqual([]);
    expect(report.written).toBeGreaterThan(500);
  });

  it('refuses a row with another number of fields than the columns', () => {
    const table = keyedByName(pg);
    const writer = textRowWriter(pg, table)!;
    const r = rng(6);
    const [{ row }] = layOut(r, [table.columns.map((c) => cleanText(r, c.type))]) as [Sample];
    for (const count of [row.count - 1, row.count + 1, 0]) {
      const other: TextRow = { ...row, count };
      for (const call of [
        () => writer.writeUpsert(changesWriter(1), other, 0),
        () => writer.keyOf(other),
        () => writer.decodeRow(other),
      ]) {
        let error: unknown;
        try {
          call();
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(FerryError);
        expect((error as FerryError).code).toBe('FERRY_SOURCE_UNAVAILABLE');
        expect((error as FerryError).message).toContain(`${count} fields`);
      }
    }
  });

  it('has no writer for a table with a column named __proto__', () => {
    const table = resolveTable(pg, capture(), meta([col('id', 'int'), col('__proto__', 'text')], ['id']));
    expect(textRowWriter(pg, table)).toBeUndefined();
  });

  it('makes one writer per table and dialect', () => {
    const table = keyedByName(pg);
    const writer = textRowWriter(pg, table);
    expect(writer).toBeDefined();
    expect(textRowWriter(pg, table)).toBe(writer);
    expect(textRowWriter(plain, table)).not.toBe(writer);
    expect(textRowWriter(pg, keyedByName(pg))).not.toBe(writer);
  });

  it('keeps a row: its bounds are copied, its bytes shared', () => {
    const table = keyedByName(pg);
    const writer = textRowWriter(pg, table)!;
    const r = rng(7);
    const texts = () => table.columns.map((c) => cleanText(r, c.type));
    const [ra, rb] = rowsOf([texts(), texts()]) as [TextRow, TextRow];
    const key = writer.keyOf(ra);
    const kept = writer.keep(ra);
    expect(kept.bytes).toBe(ra.bytes);
    expect(kept.start).not.toBe(ra.start);
    const line = (row: TextRow) => {
      const w = changesWriter(1);
      writer.writeUpsert(w, row, 0);
      return w.buf.toString('utf8', 0, w.pos);
    };
    const before = line(ra);
    const decoded = writer.decodeRow(ra);
    ra.start.set(rb.start.subarray(0, rb.count));
    ra.end.set(rb.end.subarray(0, rb.count));
    expect(writer.keyOf(kept)).toEqual(key);
    expect(writer.decodeRow(kept)).toEqual(decoded);
    expect(line(kept)).toBe(before);
    expect(line(ra)).not.toBe(before);
    expect(writer.keyOf(ra)).toEqual(writer.keyOf(rb));
    // Kept into the copy made before: the same object, the other row's bounds.
    expect(writer.keep(rb, kept)).toBe(kept);
    expect(writer.keyOf(kept)).toEqual(writer.keyOf(rb));
  });
});

/** Rows whose fields are laid out one after the other in one buffer (after a few bytes of something else). */
function rowsOf(rows: (string | null)[][]): TextRow[] {
  const parts: Buffer[] = [Buffer.from('99')];
  let at = 2;
  const bounds = rows.map((texts) => {
    const start = new Int32Array(texts.length);
    const end = new Int32Array(texts.length);
    texts.forEach((text, i) => {
      if (text === null) {
        end[i] = -1;
        return;
      }
      const b = Buffer.from(text, 'utf8');
      parts.push(b, Buffer.from('0'));
      start[i] = at;
      end[i] = at + b.length;
      at += b.length + 1;
    });
    return { start, end, count: texts.length };
  });
  const bytes = new Uint8Array(Buffer.concat(parts));
  return bounds.map((b) => ({ bytes, ...b }));
}

describe('writeSqlTimestampIso', () => {
  const scales = [undefined, 0, 1, 3, 6, 9, 12];
  const texts = (() => {
    const r = rng(8);
    const out = [
      ...TIMESTAMPS,
      '2026-11-26 08:00:00',
      '2026-11-26 08:00:00.',
      '2026-11-26 08:00:00.1',
      '2026-11-26 08:00:00.123456789',
      '2026-11-26 08:00:00.1234567890',
      '2026-11-26 08:00:00+08',
      '2026-11-26 08:00:00+05:30',
      '2026-11-26 08:00:00+0530',
      '2026-11-26 08:00:00-03',
      '2026-11-26 08:00:00Z',
      '2026-11-26 08:00:00+05:30:15',
      '2026-11-26T08:00:00',
      '2026-11-26 08:00:00.+08',
      '2026-11-26 08:00:00.5Z',
      '2026-11-26 08:00:0',
      '2026-11-26 08:00:00+',
      '2026-11-26 08:00:00+0',
      '2026-11-26 08:00:00é',
      '2026-11-26 08:00:00.1é',
    ];
    for (let k = 0; k < 3000; k++) out.push(timestampText(r));
    return out;
  })();

  it('writes the iso of parseSqlTimestamp, or refuses what it refuses', () => {
    const out = new Uint8Array(SQL_TIMESTAMP_ISO_MAX + 20);
    const mismatches: string[] = [];
    let accepted = 0;
    for (const text of texts) {
      const src = Buffer.from(text, 'utf8');
      for (const scale of scales) {
        const want = parseSqlTimestamp(text, scale)?.iso;
        out.fill(0xaa);
        const p = writeSqlTimestampIso(src, 0, src.length, out, 7, scale);
        const got = p < 0 ? undefined : Buffer.from(out.subarray(7, p)).toString('latin1');
        if (got !== want) mismatches.push(`${JSON.stringify(text)} scale ${scale}: ${got} != ${want}`);
        if (got !== undefined) {
          accepted++;
          // Independently of parseSqlTimestamp: an ISO date-time, with the text's fraction padded to the scale.
          const fraction = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(\d{1,9}))?(?:Z|[+-]\d{2}:\d{2})?$/.exec(
            got,
          );
          const given = /^.{19}\.(\d*)/.exec(text)?.[1]?.length ?? 0;
          if (!fraction || (fraction[1]?.length ?? 0) !== Math.max(given, Math.min(scale ?? 0, 9)))
            mismatches.push(`${JSON.stringify(text)} scale ${scale}: ${got} is not the ISO form`);
        }
        // Nothing written before `at`, nor past the end it returns (past its most bytes when it refuses).
        const last = p < 0 ? 7 + SQL_TIMESTAMP_ISO_MAX : p;
        if (out.subarray(0, 7).some((b) => b !== 0xaa) || out.subarray(last).some((b) => b !== 0xaa))
          mismatches.push(`${JSON.stringify(text)} scale ${scale}: wrote outside its room`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(accepted).toBeGreaterThan(texts.length * 2);
  });

  it('reads only [start, end): the bytes around the text do not change the result', () => {
    const out = new Uint8Array(SQL_TIMESTAMP_ISO_MAX);
    const mismatches: string[] = [];
    const arounds = ['', '9', '99:99', '.123', '+08', ':30', 'Z', '5+05:30', '2026-11-26 08:00:00'];
    for (const text of texts) {
      for (const scale of [undefined, 6]) {
        const want = parseSqlTimestamp(text, scale)?.iso;
        for (const before of ['', '0', '2026-11-26 ']) {
          for (const after of arounds) {
            const src = Buffer.from(before + text + after, 'utf8');
            const start = Buffer.byteLength(before);
            const end = start + Buffer.byteLength(text);
            const p = writeSqlTimestampIso(src, start, end, out, 0, scale);
            const got = p < 0 ? undefined : Buffer.from(out.subarray(0, p)).toString('latin1');
            if (got !== want)
              mismatches.push(
                `${JSON.stringify(before)}[${JSON.stringify(text)}]${JSON.stringify(after)}: ${got} != ${want}`,
              );
          }
        }
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});
