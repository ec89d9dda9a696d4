// wireValueProblem (the check without decoding, as the hub uses it) against decodeValue itself.
import { describe, expect, it } from 'vitest';
import { decodeValue, wireValueProblem } from '../../src/changes/index.js';

describe('wireValueProblem', () => {
  // What a store accepts without decoding must be exactly what a consumer's decodeValue accepts.
  const corpus: unknown[] = [
    null,
    true,
    0,
    -1.5,
    '',
    '张三',
    [],
    [1, { $int: '2' }, [{ $dec: '3.0' }]],
    { $int: '12' },
    { $int: '-0' },
    { $int: '1.5' },
    { $int: 12 },
    { $dec: ' 1.50 ' },
    { $dec: '1e5' },
    { $dec: '.5' },
    { $dec: 1.5 },
    { $ts: '2026-11-26T08:00:00.123456789+08:00' },
    { $ts: '2026-11-26T08:00:00' },
    { $ts: '2026-11-26 08:00:00' },
    { $ts: '2026-11-26T08:00:00.1234567890Z' },
    { $date: '2026-11-26' },
    { $date: '2026-11-26T00:00:00Z' },
    { $bin: '' },
    { $bin: 'AQID' },
    { $bin: 'AQ=D' },
    { $float: 'NaN' },
    { $float: '-Infinity' },
    { $float: '1e400' },
    { $float: '2.5' },
    { $float: 2.5 },
    { $obj: { a: { $int: '1' }, b: [null] } },
    { $obj: { a: { $int: 'x' } } },
    { $obj: [] },
    {},
    { $int: '1', $dec: '1' },
    { $unknown: '1' },
    { plain: 'object' },
    Number.POSITIVE_INFINITY,
    { $int: '-' },
    { $int: '' },
    { $int: '٣' },
    { $ts: 20261126 },
    { $date: '2026-1-26' },
    Object.create({ inherited: 1 }, { $int: { value: '7', enumerable: true } }),
  ];
  it('accepts exactly what decodeValue accepts', () => {
    for (const value of corpus) {
      let decodes = true;
      try {
        decodeValue(value);
      } catch {
        decodes = false;
      }
      expect([value, wireValueProblem(value) === undefined]).toEqual([value, decodes]);
    }
  });

  it('gives the message decodeValue would throw', () => {
    for (const value of [{ $int: 'x' }, { $ts: '2026-11-26 08:00' }, { $date: 'today' }, { $dec: 'x' }, {}]) {
      expect(wireValueProblem(value)).toBe(
        (() => {
          try {
            decodeValue(value);
          } catch (err) {
            return (err as Error).message;
          }
        })(),
      );
    }
  });
});
