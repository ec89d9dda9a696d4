import { DateOnly, Decimal, Timestamp } from '@ferry/sdk/changes';
import { describe, expect, it } from 'vitest';
import { createValueParser, parseResourceConfig } from '../src/index.js';

describe('typed values', () => {
  it('keeps integers exact: numbers while safe, bigint beyond 2^53', () => {
    const p = createValueParser({ type: 'integer' });
    expect(p(' 42 ')).toBe(42);
    expect(p('-9007199254740991')).toBe(-9007199254740991);
    expect(p('9007199254740993')).toBe(9007199254740993n);
    expect(p('-9223372036854775808')).toBe(-9223372036854775808n);
    expect(createValueParser({ type: 'integer', format: '#,##0' })('1,234,567')).toBe(1234567);
    expect(() => p('1.5')).toThrow('"1.5" is not an integer');
  });

  it('keeps decimals as exact text, with scale', () => {
    const p = createValueParser({ type: 'decimal' });
    expect(p('12345678901234567890.120')).toEqual(new Decimal('12345678901234567890.120'));
    expect(p('.5')).toEqual(new Decimal('0.5'));
    expect(p('1.2E+3')).toEqual(new Decimal('1200'));
    expect(p('-1.5e-3')).toEqual(new Decimal('-0.0015'));
    expect(createValueParser({ type: 'decimal', format: '#,##0.00' })('1,234.50')).toEqual(
      new Decimal('1234.50'),
    );
    expect(() => p('12,5')).toThrow('is not a decimal number');
  });

  it('reads dates in configured patterns and always in ISO 8601', () => {
    expect(createValueParser({ type: 'date', format: 'yyyy/MM/dd' })('2026/11/26')).toEqual(
      new DateOnly('2026-11-26'),
    );
    expect(createValueParser({ type: 'date', format: 'yyyyMMdd' })('20260228')).toEqual(
      new DateOnly('2026-02-28'),
    );
    expect(createValueParser({ type: 'date', format: "yyyy'年'M'月'd'日'" })('2026年1月5日')).toEqual(
      new DateOnly('2026-01-05'),
    );
    expect(createValueParser({ type: 'date', format: 'yyyyMMdd' })('2026-02-28')).toEqual(
      new DateOnly('2026-02-28'),
    );
    expect(() => createValueParser({ type: 'date', format: 'yyyyMMdd' })('20260230')).toThrow(
      'is not a date (yyyyMMdd)',
    );
    expect(() => createValueParser({ type: 'date', format: 'YYYY-MM-DD' })).toThrow('unknown token "YYYY"');
  });

  it('reads local date-times at a configured zone, keeping precision', () => {
    const local = createValueParser({ type: 'datetime' });
    expect(local('2026-11-26 08:00:00.123456')).toEqual(new Timestamp('2026-11-26T08:00:00.123456'));
    const cst = createValueParser({ type: 'datetime', format: 'yyyyMMddHHmmss', zone: 'Asia/Shanghai' });
    expect(cst('20261126080000')).toEqual(new Timestamp('2026-11-26T08:00:00+08:00'));
    // China observed summer time in 1986–1991.
    expect(cst('19880701120000')).toEqual(new Timestamp('1988-07-01T12:00:00+09:00'));
    expect(createValueParser({ type: 'datetime', zone: '+08:00' })('2026-11-26T08:00:00Z')).toEqual(
      new Timestamp('2026-11-26T08:00:00Z'),
    );
    expect(() => cst('2026112608')).toThrow('is not a date-time');
  });

  it('reads booleans and binary', () => {
    const b = createValueParser({ type: 'boolean' });
    expect([b('是'), b('否'), b('TRUE'), b('0')]).toEqual([true, false, true, false]);
    expect(createValueParser({ type: 'boolean', format: '有/无' })('有')).toBe(true);
    expect(createValueParser({ type: 'binary', format: 'hex' })('cafe')).toEqual(
      new Uint8Array([0xca, 0xfe]),
    );
    expect(createValueParser({ type: 'binary' })('yv4=')).toEqual(new Uint8Array([0xca, 0xfe]));
  });
});

describe('resource config', () => {
  const base = {
    resource: 'R1',
    format: 'csv',
    columns: { 编号: { name: 'id', type: 'integer' } },
    key: ['id'],
  };

  it('fills defaults', () => {
    const c = parseResourceConfig(base);
    expect(c).toMatchObject({ encoding: 'auto', header: true, mode: 'snapshot', onBadRow: 'reject-file' });
  });

  it('names the bad key in every message', () => {
    const bad = {
      ...base,
      columns: {
        编号: { name: 'id', type: 'int' },
        出生日期: { name: 'born', type: 'date', format: 'YYYY/MM/DD' },
        姓名: { name: 'id', type: 'string' },
      },
      key: ['id', 'nope'],
      sheet: 'x',
      extra: true,
    };
    let message = '';
    try {
      parseResourceConfig(bad);
    } catch (err) {
      expect((err as { code: string }).code).toBe('FERRY_CONFIG_INVALID');
      message = (err as Error).message;
    }
    expect(message).toContain('columns.编号.type');
    expect(message).toContain('columns.出生日期.format: unknown token "YYYY"');
    expect(message).toContain('columns.姓名.name: "id" is already the name of column "编号"');
    expect(message).toContain('key[1]: "nope" is not the name of a configured column');
    expect(message).toContain('sheet: only xlsx has sheets');
    expect(message).toContain('extra');
    expect(() => parseResourceConfig({ ...base, key: [] })).toThrow(
      'key: snapshot mode needs at least one key column',
    );
  });
});
