import { describe, expect, it } from 'vitest';
import {
  type Change,
  DateOnly,
  Decimal,
  decodeChanges,
  decodeValue,
  encodeChanges,
  encodeValue,
  Timestamp,
} from '../../src/changes/index.js';
import { isFerryError } from '../../src/errors/index.js';

describe('change encoding', () => {
  it('round-trips values that JSON alone would lose', () => {
    const row = {
      id: 9223372036854775807n,
      small: 42,
      ratio: 0.1,
      amount: new Decimal('12345678901234567890.1234567890'),
      negativeZero: new Decimal('-0.00'),
      born: new DateOnly('1990-01-31'),
      updated: new Timestamp('2026-11-26T08:00:00.123456789+08:00'),
      local: new Timestamp('2026-11-26T08:00:00.5'),
      photo: new Uint8Array([0, 1, 2, 255]),
      name: '张三',
      nothing: null,
      flag: true,
      nan: Number.NaN,
      json: { nested: [1n, 'x'] },
    };
    const changes: Change[] = [
      { op: 'upsert', key: { id: row.id }, row, position: 'scn:42' },
      { op: 'delete', key: { id: 1n } },
    ];
    const decoded = decodeChanges(encodeChanges(changes));
    expect(decoded).toHaveLength(2);
    const got = decoded[0]!;
    if (got.op !== 'upsert') throw new Error('expected upsert');
    expect(got.position).toBe('scn:42');
    expect(got.row.id).toBe(9223372036854775807n);
    expect((got.row.amount as Decimal).value).toBe('12345678901234567890.1234567890');
    expect((got.row.negativeZero as Decimal).value).toBe('0.00');
    expect((got.row.updated as Timestamp).iso).toBe('2026-11-26T08:00:00.123456789+08:00');
    expect((got.row.local as Timestamp).hasZone).toBe(false);
    expect(got.row.photo).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(got.row.name).toBe('张三');
    expect(Number.isNaN(got.row.nan)).toBe(true);
    expect(got.row.json).toEqual({ nested: [1n, 'x'] });
    expect(decoded[1]).toEqual({ op: 'delete', key: { id: 1n } });
  });

  it('writes the documented wire form', () => {
    const text = Buffer.from(
      encodeChanges([{ op: 'upsert', key: { id: 1n }, row: { id: 1n, amount: new Decimal('1.50') } }]),
    ).toString('utf8');
    expect(text).toBe(
      '{"op":"upsert","key":{"id":{"$int":"1"}},"row":{"id":{"$int":"1"},"amount":{"$dec":"1.50"}}}\n',
    );
  });

  it('rejects malformed lines with their line number', () => {
    const bad = Buffer.from(
      '{"op":"delete","key":{"id":1}}\n{"op":"upsert","key":{"id":{"$int":"x"}},"row":{}}\n',
    );
    const err = (() => {
      try {
        decodeChanges(bad);
      } catch (e) {
        return e;
      }
    })();
    expect(isFerryError(err, 'FERRY_ENVELOPE_MALFORMED')).toBe(true);
    expect((err as { location: { line: number } }).location.line).toBe(2);
  });

  it('rejects content that is not UTF-8', () => {
    expect(() => decodeChanges(Buffer.from([0x7b, 0xff, 0x7d, 0x0a]))).toThrow(/UTF-8/);
  });

  it('rejects unknown tags and non-canonical shapes', () => {
    expect(() => decodeValue({ $weird: 1 })).toThrow();
    expect(() => decodeValue({ $int: '1', extra: 2 })).toThrow();
    expect(() => new Decimal('1e5')).toThrow();
    expect(() => new Timestamp('2026-13-01')).toThrow();
    expect(encodeValue(new Date('2026-01-01T00:00:00Z') as never)).toEqual({
      $ts: '2026-01-01T00:00:00.000Z',
    });
  });
});
