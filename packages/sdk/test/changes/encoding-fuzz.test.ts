// The fast change encoding (bytes written directly, no JSON.stringify) against a straightforward reference
// encoding written here from docs/protocol/changes.md: the same bytes for many random values, the same errors.
import { describe, expect, it } from 'vitest';
import {
  type Change,
  ChangeEncoder,
  DateOnly,
  Decimal,
  decodeChanges,
  type EncodedValue,
  encodeChangeLine,
  encodeChanges,
  encodeRecord,
  encodeValue,
  type FerryRecord,
  type FerryValue,
  Timestamp,
} from '../../src/changes/index.js';
import type { FerryError } from '../../src/errors/index.js';
import { rng } from '../helpers/random.js';

// --- the reference: wire objects, then JSON.stringify ------------------------------------------------------

function refValue(value: FerryValue): EncodedValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number')
    return Number.isFinite(value) ? value : { $float: String(value) as 'NaN' | 'Infinity' | '-Infinity' };
  if (typeof value === 'bigint') return { $int: value.toString() };
  if (value instanceof Decimal) return { $dec: value.value };
  if (value instanceof Timestamp) return { $ts: value.iso };
  if (value instanceof DateOnly) return { $date: value.iso };
  if (value instanceof Uint8Array) return { $bin: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return value.map(refValue);
  if (value instanceof Date) return { $ts: value.toISOString() };
  if (typeof value === 'object') return { $obj: refRecord(value) };
  throw new TypeError(`Cannot encode a value of type ${typeof value}`);
}

function refRecord(record: FerryRecord): { [k: string]: EncodedValue } {
  const out: { [k: string]: EncodedValue } = {};
  for (const [k, v] of Object.entries(record)) out[k] = refValue(v);
  return out;
}

function refLine(change: Change): string {
  const pos = change.position === undefined ? {} : { pos: change.position };
  const line =
    change.op === 'upsert'
      ? { op: 'upsert', key: refRecord(change.key), row: refRecord(change.row), ...pos }
      : { op: 'delete', key: refRecord(change.key), ...pos };
  return `${JSON.stringify(line)}\n`;
}

// --- random values -----------------------------------------------------------------------------------------

// Code units that matter to JSON escaping and UTF-8: controls, quote, backslash, DEL, 2- and 3-byte
// characters, Chinese, both halves of surrogate pairs (which may end up lone or reversed), U+2028/9, U+FFFF.
const UNITS = [
  ...'abcXYZ 019-_./:{}[],$',
  '"',
  '\\',
  '\u0000',
  '\u0001',
  '\b',
  '\t',
  '\n',
  '\u000b',
  '\f',
  '\r',
  '\u001f',
  '\u007f',
  '\u0080',
  'é',
  '\u07ff',
  '\u0800',
  ...'企业名称张三李四',
  '\u2028',
  '\u2029',
  '\ud83d',
  '\ude00',
  '\udbff',
  '\udc00',
  '\ufffd',
  '\uffff',
  '😀',
  '𠀀',
];

function gen(seed: number) {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => String(int(10))).join('');
  const pad = (n: number, w: number) => String(n).padStart(w, '0');

  function string(): string {
    const kind = int(20);
    if (kind === 0) return '';
    // Long strings take the writer's other path (JSON.stringify and the native UTF-8 encoder).
    const length = kind === 1 ? 1000 + int(2000) : int(24);
    let s = '';
    for (let i = 0; i < length; i++) s += pick(UNITS);
    return s;
  }

  function number(): number {
    switch (int(10)) {
      case 0:
        return pick([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0]);
      case 1:
        return pick([
          Number.MAX_SAFE_INTEGER,
          Number.MIN_SAFE_INTEGER,
          2 ** 53 + 2,
          Number.MAX_VALUE,
          Number.MIN_VALUE,
          -Number.MIN_VALUE,
          1e21,
          1e-7,
          123e-20,
          0.1 + 0.2,
        ]);
      case 2:
      case 3:
        return (r() - 0.5) * 10 ** int(40);
      default:
        return int(2_000_001) - 1_000_000;
    }
  }

  function timestamp(): Timestamp {
    const fraction = int(3) === 0 ? '' : `.${digits(1 + int(9))}`;
    const zone = pick(['', 'Z', '+08:00', '-05:30', '+00:00']);
    return new Timestamp(
      `${pad(int(10000), 4)}-${pad(1 + int(12), 2)}-${pad(1 + int(28), 2)}T${pad(int(24), 2)}:${pad(int(60), 2)}:${pad(int(60), 2)}${fraction}${zone}`,
    );
  }

  function bytes(): Uint8Array {
    const n = int(3) === 0 ? int(200) : int(12);
    const b = Buffer.alloc(n + 8);
    for (let i = 0; i < b.length; i++) b[i] = int(256);
    // Views with an offset into a larger buffer, plain Uint8Arrays and Buffers.
    const off = int(5);
    return int(2) === 0 ? new Uint8Array(b.buffer, b.byteOffset + off, n) : b.subarray(off, off + n);
  }

  function value(depth: number): FerryValue {
    switch (int(depth > 2 ? 11 : 14)) {
      case 0:
        return null;
      case 1:
        return r() < 0.5;
      case 2:
        return number();
      case 3:
        return string();
      case 4:
        return (
          BigInt.asIntN(64, BigInt(`0x${digits(1 + int(16)).replace(/^0+/, '') || '0'}`)) *
          (int(5) === 0 ? 10n ** BigInt(int(30)) : 1n)
        );
      case 5:
        return new Decimal(
          `${int(3) === 0 ? '-' : ''}${digits(1 + int(25))}${int(2) === 0 ? `.${digits(1 + int(12))}` : ''}`,
        );
      case 6:
        return timestamp();
      case 7:
        return new DateOnly(`${pad(int(10000), 4)}-${pad(1 + int(12), 2)}-${pad(1 + int(28), 2)}`);
      case 8:
        return bytes();
      case 9:
        // Not a FerryValue by type, but encodeValue writes a Date as $ts.
        return new Date(
          Date.UTC(1900 + int(300), int(12), 1 + int(28), int(24), int(60), int(60), int(1000)),
        ) as unknown as FerryValue;
      case 10:
        return string();
      case 11:
      case 12: {
        const a: FerryValue[] = Array.from({ length: int(5) }, () => value(depth + 1));
        return a.length > 1 && int(4) === 0 ? withHole(a, int(a.length)) : a;
      }
      default:
        return record(depth + 1, int(5));
    }
  }

  function key(): string {
    switch (int(12)) {
      case 0:
        return string();
      case 1:
        return String(int(100)); // integer-like keys come first in every object's key order
      case 2:
        return '$int';
      default:
        return pick(['id', 'name', 'amount', 'born', 'updated_at', '名称', 'a"b', 'x\\y', 'tab\tbed']);
    }
  }

  function record(depth: number, size: number): FerryRecord {
    const out: FerryRecord = {};
    for (let i = 0; i < size; i++) {
      const k = key();
      // `__proto__` as an own key (as JSON.parse makes it), which encodeRecord drops.
      if (int(40) === 0)
        Object.defineProperty(out, '__proto__', {
          value: value(depth),
          enumerable: true,
          configurable: true,
        });
      else out[k] = value(depth);
    }
    return out;
  }

  function change(): Change {
    const position = int(3) === 0 ? undefined : int(2) === 0 ? `scn:${int(1e9)}` : string();
    const base = position === undefined ? {} : { position };
    return int(4) === 0
      ? { op: 'delete', key: record(0, 1 + int(2)), ...base }
      : { op: 'upsert', key: record(0, 1 + int(2)), row: record(0, int(10)), ...base };
  }

  return { change, value: () => value(0) };
}

function withHole(values: FerryValue[], index: number): FerryValue[] {
  delete values[index];
  return values;
}

function errorOf(fn: () => unknown): { code?: string; message: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return { code: (err as FerryError).code, message: (err as Error).message };
  }
}

describe('change encoding: fast path against the reference', () => {
  it('writes the reference bytes for random changes, one by one and in batches', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const g = gen(seed);
      const changes = Array.from({ length: 1 + (seed % 40) }, () => g.change());
      const expected = changes.map(refLine);
      changes.forEach((c, i) => {
        expect(encodeChangeLine(c, i), `seed ${seed}, change ${i}`).toBe(expected[i]);
      });
      const bytes = encodeChanges(changes);
      expect(Buffer.from(bytes).equals(Buffer.from(expected.join(''), 'utf8')), `seed ${seed}`).toBe(true);
      const encoder = new ChangeEncoder(seed % 3 === 0 ? 0 : changes.length);
      for (const c of changes) encoder.add(c);
      const one = encoder.finish();
      expect(one.count).toBe(changes.length);
      expect(Buffer.from(one.bytes).equals(Buffer.from(bytes)), `seed ${seed}, one by one`).toBe(true);
    }
  });

  it('encodes random values and records to the reference wire objects', () => {
    const g = gen(4242);
    for (let i = 0; i < 5000; i++) {
      const v = g.value();
      expect(encodeValue(v)).toStrictEqual(refValue(v));
      expect(JSON.stringify(encodeValue(v))).toBe(JSON.stringify(refValue(v)));
    }
    for (let seed = 1; seed <= 100; seed++) {
      const c = gen(seed).change();
      expect(encodeRecord(c.key)).toStrictEqual(refRecord(c.key));
    }
  });

  it('round-trips what it writes', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const g = gen(seed);
      const changes = Array.from({ length: 20 }, () => g.change());
      const bytes = encodeChanges(changes);
      expect(Buffer.from(encodeChanges(decodeChanges(bytes))).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('writes the edge cases named in the protocol exactly', () => {
    const row = {
      zero: -0,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      ninf: Number.NEGATIVE_INFINITY,
      big: -9223372036854775808n,
      dec: new Decimal('-0.00'),
      ts: new Timestamp('2026-11-26T08:00:00.123456789+08:00'),
      date: new DateOnly('2026-11-26'),
      bin: new Uint8Array([0, 1, 2, 255]),
      empty: new Uint8Array(0),
      text: '"\\\n\u0000\u001f\u2028张三😀\ud800x\udc00',
      nested: [[1n, { a: [null, new Decimal('1.50')] }], []],
      sparse: withHole([1, 2, 3], 1),
      obj: { 2: 'two', 1: 'one', b: true },
    };
    const change: Change = { op: 'upsert', key: { id: 1 }, row, position: 'lsn:0/16B3748' };
    expect(encodeChangeLine(change)).toBe(refLine(change));
    expect(encodeChangeLine(change)).toContain(
      '"text":"\\"\\\\\\n\\u0000\\u001f\u2028张三😀\\ud800x\\udc00"',
    );
    expect(encodeChangeLine(change)).toContain('"sparse":[1,null,3]');
    expect(encodeChangeLine(change)).toContain('"obj":{"$obj":{"1":"one","2":"two","b":true}}');
    expect(encodeChangeLine(change)).toContain('"zero":0,"nan":{"$float":"NaN"}');
  });

  it('leaves unusual input to the reference and reports the same errors', () => {
    const hacked = new Decimal('1');
    (hacked as { value: unknown }).value = 15; // not a string: the reference writes a number
    const inherited = Object.create({ inherited: 1 }) as FerryRecord;
    inherited.own = 2;
    Object.defineProperty(inherited, 'hidden', { value: 3, enumerable: false });
    const odd: Change[] = [
      { op: 'upsert', key: { id: 1 }, row: { d: hacked } },
      { op: 'delete', key: { id: 1 }, position: 42 as unknown as string },
      { op: 'delete', key: 'ab' as unknown as FerryRecord },
      { op: 'upsert', key: { id: 1 }, row: inherited },
    ];
    for (const c of odd) expect(encodeChangeLine(c)).toBe(refLine(c));
    expect(Buffer.from(encodeChanges(odd)).toString('utf8')).toBe(odd.map(refLine).join(''));
    const encoder = new ChangeEncoder();
    for (const c of odd) encoder.add(c);
    expect(Buffer.from(encoder.finish().bytes).toString('utf8')).toBe(odd.map(refLine).join(''));

    const bad: unknown[] = [
      { op: 'upsert', key: { id: 1 }, row: { x: undefined } },
      { op: 'upsert', key: { id: 1 }, row: { x: () => 1 } },
      { op: 'upsert', key: { id: 1 }, row: { x: Symbol('s') } },
      { op: 'upsert', key: { id: 1 }, row: { x: [1, undefined] } },
      { op: 'upsert', key: { id: 1 }, row: { x: new Date(Number.NaN) } },
      { op: 'upsert', key: null, row: {} },
      { op: 'delete', key: { id: 1 }, position: 1n },
      { op: 'replace', key: { id: 1 } },
    ];
    for (const c of bad) {
      const err = errorOf(() => encodeChangeLine(c as Change, 7));
      expect(err?.code).toBe('FERRY_INVALID_ARGUMENT');
      expect(err?.message).toMatch(/^changes\[7\] cannot be encoded: /);
      const inBatch = errorOf(() =>
        encodeChanges([{ op: 'delete', key: { id: 0 } }, { op: 'delete', key: { id: 1 } }, c as Change]),
      );
      expect(inBatch?.message).toBe(err?.message.replace('changes[7]', 'changes[2]'));
      const encoder = new ChangeEncoder();
      encoder.add({ op: 'delete', key: { id: 0 } });
      encoder.add({ op: 'delete', key: { id: 1 } });
      expect(errorOf(() => encoder.add(c as Change))).toEqual(inBatch);
    }
    expect(errorOf(() => encodeChangeLine(bad[0] as Change, 3))?.message).toBe(
      'changes[3] cannot be encoded: Cannot encode a value of type undefined',
    );
  });

  it('is not thrown off by many distinct column names or a huge value', () => {
    const changes: Change[] = [];
    for (let i = 0; i < 12_000; i++) changes.push({ op: 'delete', key: { [`k${i}`]: i } });
    expect(Buffer.from(encodeChanges(changes)).toString('utf8')).toBe(changes.map(refLine).join(''));
    const huge: Change = {
      op: 'upsert',
      key: { id: 1 },
      row: { blob: new Uint8Array(300_000).fill(7), text: '企'.repeat(100_000) },
    };
    expect(encodeChangeLine(huge)).toBe(refLine(huge));
    // The line writer is used again after a huge line.
    expect(encodeChangeLine(changes[5]!)).toBe(refLine(changes[5]!));
  });
});
