import { describe, expect, it } from 'vitest';
import { createCheckpointCodec } from '../../src/connector/index.js';
import { isFerryError } from '../../src/errors/index.js';

const table = { table: 'public.t', strategy: { kind: 'timestamp' as const, column: 'updated_at' } };

describe('checkpoint codec', () => {
  const codec = createCheckpointCodec();

  it('round-trips a snapshot cursor with a 64-bit key, as base64url', () => {
    const cursor = codec.encode({
      phase: 'snapshot',
      table: 'public.t',
      strategy: 'timestamp',
      afterKey: { id: 9223372036854775807n, code: '中文' },
      position: { ts: { $ts: '2026-11-26T08:00:00.123456+08:00' }, key: null },
      columns: ['id', 'code'],
    });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const back = codec.decode(cursor, table);
    expect(back).toMatchObject({
      phase: 'snapshot',
      afterKey: { id: 9223372036854775807n, code: '中文' },
      columns: ['id', 'code'],
    });
  });

  it.each([
    ['garbage', '!!not base64'],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    [
      'another version',
      Buffer.from(
        JSON.stringify({
          v: 9,
          table: 'public.t',
          strategy: 'timestamp',
          phase: 'incremental',
          position: {},
        }),
      ).toString('base64url'),
    ],
    [
      'another table',
      Buffer.from(
        JSON.stringify({ v: 1, table: 'other', strategy: 'timestamp', phase: 'incremental', position: {} }),
      ).toString('base64url'),
    ],
    [
      'another strategy',
      Buffer.from(
        JSON.stringify({ v: 1, table: 'public.t', strategy: 'diff', phase: 'incremental', position: {} }),
      ).toString('base64url'),
    ],
    [
      'no position',
      Buffer.from(
        JSON.stringify({ v: 1, table: 'public.t', strategy: 'timestamp', phase: 'incremental' }),
      ).toString('base64url'),
    ],
  ])('rejects a cursor that is %s with FERRY_CURSOR_INVALID', (_what, cursor) => {
    try {
      codec.decode(cursor, table);
      expect.unreachable();
    } catch (err) {
      expect(isFerryError(err, 'FERRY_CURSOR_INVALID')).toBe(true);
    }
  });

  it('rejects a position the strategy does not accept', () => {
    const strict = createCheckpointCodec(() => {
      throw new TypeError('position has no `ts`');
    });
    const cursor = strict.encode({
      phase: 'incremental',
      table: 'public.t',
      strategy: 'timestamp',
      position: {},
    });
    expect(() => strict.decode(cursor, table)).toThrow(/position has no `ts`/);
  });
});
