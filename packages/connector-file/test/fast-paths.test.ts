// The per-cell fast paths (fixed date layouts, plain ISO 8601, integer keys, compiled row objects) must give
// exactly what the general path gives: same values, same errors. These tests compare them with a reference
// built from the general pieces on many generated cells, valid and not.

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateOnly, encodeValue, type FerryValue, Timestamp } from '@ferry/sdk/changes';
import { afterAll, describe, expect, it } from 'vitest';
import { BucketWriter } from '../src/diff/buckets.js';
import { hash128Bytes, hash128Units } from '../src/diff/hash128.js';
import { parseResourceConfig } from '../src/index.js';
import { encodeRawRow } from '../src/rows/raw-row-codec.js';
import { RowMapper, rowMaker } from '../src/rows/row-mapper.js';
import { compileDatePattern, type DateParts, matchIso, validParts } from '../src/values/date-pattern.js';
import {
  createRangeParser,
  createValueChecker,
  createValueParser,
  type ValueParserOptions,
} from '../src/values/parse-value.js';
import { zoneOffsetResolver } from '../src/values/zone.js';
import { tempDir } from './helpers/files.js';

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** The general path: the pattern's match (else ISO 8601), validParts, then text from the parts. */
function reference(type: 'date' | 'datetime', format: string | undefined, zone: string | undefined) {
  const pattern = format ? compileDatePattern(format) : undefined;
  const offsetOf = zone ? zoneOffsetResolver(zone) : undefined;
  return (raw: string): FerryValue => {
    const t = raw.trim();
    const p: DateParts | undefined = pattern?.match(t) ?? matchIso(t);
    if (!p || !validParts(p)) throw new Error('invalid');
    const date = `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}`;
    if (type === 'date') return new DateOnly(date);
    const offset = p.offset || (offsetOf ? offsetOf(p.year, p.month, p.day, p.hour, p.minute, p.second) : '');
    const time = `${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}${p.fraction ? `.${p.fraction}` : ''}`;
    return new Timestamp(`${date}T${time}${offset}`);
  };
}

/** Cells around the shapes the fast paths read: right and wrong lengths, separators, digits and ranges. */
function cells(seed: number, count: number): string[] {
  let s = seed;
  const rnd = (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return (s >>> 8) % n;
  };
  const out: string[] = [];
  // Mostly in range, sometimes not.
  const two = (max: number, min = 0) => pad(rnd(8) === 0 ? rnd(100) : min + rnd(max - min + 1), 2);
  for (let i = 0; i < count; i++) {
    const y = pad(rnd(8) === 0 ? rnd(10000) : 1900 + rnd(200), 4);
    const [mo, d, h, mi, se] = [two(12, 1), two(31, 1), two(23), two(59), two(59)];
    const sep = '/-. T'[rnd(5)]!;
    const forms = [
      `${y}/${mo}/${d}`,
      `${y}-${mo}-${d}`,
      `${y}${mo}${d}`,
      `${y}${mo}${d}${h}${mi}${se}`,
      `${y}${mo}${d}${h}${mi}`,
      `${y}-${mo}-${d} ${h}:${mi}:${se}`,
      `${y}-${mo}-${d}T${h}:${mi}:${se}`,
      `${y}-${mo}-${d}${sep}${h}:${mi}:${se}`,
      `${y}-${mo}-${d} ${h}:${mi}`,
      `${y}-${mo}-${d} ${h}:${mi}:${se}.${pad(rnd(1000), 3)}`,
      `${y}-${mo}-${d}T${h}:${mi}:${se}+08:00`,
      `${y}-${mo}-${d}T${h}:${mi}:${se}Z`,
      ` ${y}-${mo}-${d} `,
      `${y}/${mo}/${d}x`,
      `${y}-${mo}-${d}`.replace(/\d/, 'x'),
      `${y}${mo}${d}`.slice(1),
    ];
    out.push(forms[rnd(forms.length)]!);
  }
  return out;
}

function outcome(f: (t: string) => FerryValue, t: string): string {
  try {
    return JSON.stringify(encodeValue(f(t)));
  } catch {
    return 'error';
  }
}

describe('fast paths agree with the general path', () => {
  const cases: Array<['date' | 'datetime', string | undefined, string | undefined]> = [
    ['date', 'yyyy/MM/dd', undefined],
    ['date', 'yyyyMMdd', undefined],
    ['date', undefined, undefined],
    ['date', "yyyy'年'M'月'd'日'", undefined],
    ['date', 'yyyy-MM-dd HH:mm', undefined],
    ['datetime', undefined, undefined],
    ['datetime', undefined, 'Asia/Shanghai'],
    ['datetime', undefined, '+08:00'],
    ['datetime', undefined, 'UTC'],
    ['datetime', 'yyyyMMddHHmmss', 'Asia/Shanghai'],
    ['datetime', 'yyyyMMddHHmm', '-05:30'],
    ['datetime', 'yyyy/MM/dd', undefined],
    ['datetime', 'yyyy-dd-MM HH:mm:ss', 'Asia/Shanghai'],
    ['datetime', 'yyyy-MM-dd HH:mm:ss.SSS', undefined],
  ];
  for (const [type, format, zone] of cases) {
    it(`${type} ${format ?? '(ISO)'} ${zone ?? '(local)'}`, () => {
      const parse = createValueParser({ type, format, zone });
      const check = createValueChecker({ type, format, zone });
      const ref = reference(type, format, zone);
      let valid = 0;
      const all = cells(format?.length ?? 7, 4000);
      for (const t of all) {
        const want = outcome(ref, t);
        expect(outcome(parse, t), t).toBe(want);
        expect(check(t) === undefined, t).toBe(want !== 'error');
        if (want !== 'error') valid++;
      }
      // Both kinds are exercised.
      expect(valid).toBeGreaterThan(50);
      expect(valid).toBeLessThan(all.length - 50);
    });
  }

  it('reads cells in place as the parsers read them sliced out', () => {
    const numbers = [
      '0',
      '-0',
      '+7',
      '007',
      '-12',
      '123456789012345',
      '1234567890123456',
      '9007199254740993',
      '1.5',
      '-1.50',
      '0.000',
      '.5',
      '5.',
      '1e3',
      '-1.2E-2',
      '+1.0',
      '1,234',
      ' 42',
      '42 ',
      '4 2',
      '-',
      '+',
      'x1',
      '\u00a012',
      '12\u3000',
      '１２',
    ];
    const texts = ['', ' a ', '张三', 'a\u2028', '\ufeffb'];
    const dates = cells(3, 300);
    const all: Array<[ValueParserOptions, string[]]> = [
      [{ type: 'integer' }, numbers],
      [{ type: 'integer', format: '#,##0' }, numbers],
      [{ type: 'decimal' }, numbers],
      [{ type: 'decimal', format: '#,##0.00' }, numbers],
      [{ type: 'string' }, texts],
      [{ type: 'string', trim: true }, texts],
      [{ type: 'boolean' }, ['是', '否', ' true', 'x']],
      [{ type: 'date', format: 'yyyy/MM/dd' }, [...dates, ' 2026/01/02', '2026/01/02 ']],
      [{ type: 'datetime', zone: 'Asia/Shanghai' }, [...dates, ' 2026-01-02 03:04:05']],
      [{ type: 'datetime', format: 'yyyyMMddHHmmss', zone: '+08:00' }, dates],
    ];
    for (const [options, list] of all) {
      const parse = createValueParser(options);
      const at = createRangeParser(options);
      for (const cell of list) {
        if (cell === '') continue;
        const row = `ab\ud800${cell}\ud800cd`;
        expect(
          outcome((t) => at(row, 3, 3 + t.length), cell),
          `${options.type} ${cell}`,
        ).toBe(outcome(parse, cell));
      }
    }
  });

  it('keeps the messages of bad dates and date-times', () => {
    expect(() => createValueParser({ type: 'date', format: 'yyyy/MM/dd' })('2026/02/30')).toThrow(
      '"2026/02/30" is not a date (yyyy/MM/dd)',
    );
    expect(() => createValueParser({ type: 'datetime' })('2026-11-26 24:00:00')).toThrow(
      '"2026-11-26 24:00:00" is not a date-time',
    );
    expect(createValueChecker({ type: 'date', format: 'yyyyMMdd' })('20260230')).toBe(
      '"20260230" is not a date (yyyyMMdd)',
    );
  });

  it('reads summer time of a zone on the ISO fast path', () => {
    const cst = createValueParser({ type: 'datetime', zone: 'Asia/Shanghai' });
    expect(cst('1988-07-01 12:00:00')).toEqual(new Timestamp('1988-07-01T12:00:00+09:00'));
    expect(cst('1988-12-01 12:00:00')).toEqual(new Timestamp('1988-12-01T12:00:00+08:00'));
    expect(cst('1988-07-01')).toEqual(new Timestamp('1988-07-01T00:00:00+09:00'));
  });
});

describe('row mapper shortcuts', () => {
  const config = parseResourceConfig({
    resource: 'R',
    format: 'csv',
    columns: {
      编号: { name: 'id', type: 'integer' },
      区: { name: 'area', type: 'string' },
      日期: { name: 'day', type: 'date', format: 'yyyy/MM/dd' },
    },
    key: ['id', 'area'],
  });

  it('writes integer keys as JSON.stringify of their encoded values', () => {
    const m = new RowMapper(config, 'f.csv');
    m.bindHeader(['编号', '区', '日期'], 1);
    for (const id of [
      '7',
      '007',
      '+5',
      '-0',
      ' 42 ',
      '123456789012345',
      '9007199254740993',
      '-12345678901234567890',
    ]) {
      const parsed = createValueParser({ type: 'integer' })(id);
      expect(m.check([id, '东城"区', null], { line: 2 }), id).toBe(
        JSON.stringify([encodeValue(parsed), '东城"区']),
      );
    }
    expect(m.check(['1.5', 'a', null], { line: 3 })).toMatchObject({
      reason: 'type',
      line: 3,
      column: { name: '编号', index: 1 },
    });
    expect(m.check(['1', 'a', '2026/13/01'], { line: 4 })).toMatchObject({
      reason: 'type',
      column: { name: '日期', index: 3 },
    });
  });

  it('builds the same typed row from stored text as from raw cells', () => {
    const m = new RowMapper(config, 'f.csv');
    for (const raw of [
      ['1', '东城', '2026/11/26'],
      ['2', null, null],
      ['3', 'a\ud800b', '1999/01/31'],
    ]) {
      const text = encodeRawRow(raw, true);
      expect(m.recordOf(text)).toEqual(m.toRecord(raw));
    }
  });

  it('compiles row objects, keeping __proto__ an ordinary column', () => {
    expect(rowMaker(['a', 'b"c', '1', 'd\u2028'])([1, 'x', null, true])).toEqual({
      a: 1,
      'b"c': 'x',
      1: null,
      'd\u2028': true,
    });
    const odd = rowMaker(['__proto__', 'x'])([{ polluted: true }, 2]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(odd.x).toBe(2);
  });
});

describe('bucket entries written cell by cell', () => {
  const t = tempDir('ferry-fast-');
  afterAll(() => t.cleanup());

  it('hashes code units as hash128Bytes hashes their UTF-16LE bytes', () => {
    for (let n = 0; n < 70; n++) {
      const text = Array.from({ length: n }, (_, i) => String.fromCharCode((i * 7919 + n * 31) % 65536)).join(
        '',
      );
      const units = new Uint16Array(n + 1);
      for (let i = 0; i < n; i++) units[i + 1] = text.charCodeAt(i);
      const a = Buffer.alloc(16);
      const b = Buffer.alloc(16);
      hash128Bytes(Buffer.from(text, 'utf16le'), 0, n * 2, a, 0);
      hash128Units(units, 1, n + 1, b, 0);
      expect(b.toString('hex'), String(n)).toBe(a.toString('hex'));
    }
  });

  it('writes the bytes add() writes for the joined row', () => {
    const rows: Array<[string, (string | null)[]]> = [
      ['[1]', ['1', '张三', null, '12.50']],
      ['[22]', ['', null, '', 'x']],
      ['["东城"]', ['东城', '😀', 'a,b', '"q"']],
      ['[333]', [null]],
      ['[4444]', ['x'.repeat(40000), 'y'.repeat(50000)]],
    ];
    const dirs = ['joined', 'cells'].map((d) => join(t.dir, d));
    for (const d of dirs) mkdirSync(d);
    const joined = new BucketWriter(dirs[0]!, 4, 4096);
    const cells = new BucketWriter(dirs[1]!, 4, 4096);
    for (let r = 0; r < 200; r++) {
      for (const [key, raw] of rows) {
        joined.add(`${key}${r}`, encodeRawRow(raw, false), r);
        cells.addCells(`${key}${r}`, raw, r);
      }
    }
    const a = joined.close();
    const b = cells.close();
    expect(b.entries).toEqual(a.entries);
    for (let i = 0; i < a.count; i++) {
      if (!a.paths[i]) continue;
      expect(readFileSync(b.paths[i]!).equals(readFileSync(a.paths[i]!)), `bucket ${i}`).toBe(true);
    }
  });
});
