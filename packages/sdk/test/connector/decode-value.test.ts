// The SQL value decoders' hand-written parsing against the regular-expression checks it replaced.
import { describe, expect, it } from 'vitest';
import { Timestamp } from '../../src/changes/index.js';
import { parseSqlTimestamp, sqlDecoder } from '../../src/connector/sql/decode-value.js';
import { mutants } from '../helpers/random.js';

/** parseSqlTimestamp as it was: build the ISO text, let the Timestamp constructor's regular expression judge. */
function refParse(text: string, scale?: number): string | undefined {
  const sep = text.charCodeAt(10);
  if (text.length < 19 || (sep !== 32 && sep !== 84)) return undefined;
  let i = 19;
  let fraction = '';
  if (text.charCodeAt(i) === 46) {
    let j = i + 1;
    while (j < text.length && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    fraction = text.slice(i + 1, j);
    i = j;
  }
  if (scale !== undefined && scale > fraction.length) fraction = fraction.padEnd(Math.min(scale, 9), '0');
  let zone = '';
  const rest = text.length - i;
  if (rest > 0) {
    const sign = text[i];
    if (sign === 'Z' && rest === 1) zone = 'Z';
    else if (sign !== '+' && sign !== '-') return undefined;
    else if (rest === 3) zone = `${text.slice(i, i + 3)}:00`;
    else if (rest === 5) zone = `${text.slice(i, i + 3)}:${text.slice(i + 3, i + 5)}`;
    else if (rest === 6 && text.charCodeAt(i + 3) === 58) zone = text.slice(i, i + 6);
    else return undefined;
  }
  const iso = `${text.slice(0, 10)}T${text.slice(11, 19)}${fraction ? `.${fraction}` : ''}${zone}`;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/.test(iso) ? iso : undefined;
}

describe('SQL value decoding', () => {
  it('parses date-times exactly as the regular-expression check did', () => {
    const valid = [
      '2026-11-26 08:00:00',
      '2026-11-26 08:00:00.123456+08',
      '2026-11-26 08:00:00.1+05:30',
      '2026-11-26T08:00:00.123456789-0530',
      '2026-11-26 08:00:00Z',
      '2026-11-26 08:00:00.',
      '2026-11-26 08:00:00.1234567890',
      '0001-01-01 00:00:00+00',
    ];
    const alphabet = '0123456789-+:. TZz٣a\n';
    const cases = [
      ...valid,
      'infinity',
      '-infinity',
      '2026-11-26 08:00:00 BC',
      '12026-11-26 08:00:00',
      ...mutants(valid, alphabet, 30_000, 7).slice(valid.length),
    ];
    for (const text of cases) {
      for (const scale of [undefined, 0, 3, 6, 9, 12]) {
        const got = parseSqlTimestamp(text, scale);
        expect(got?.iso, `${text} (scale ${scale})`).toBe(refParse(text, scale));
        if (got) expect(got).toBeInstanceOf(Timestamp);
      }
    }
  });

  it('decodes decimals and dates without a regular expression, keeping text it cannot parse', () => {
    const dec = sqlDecoder({
      name: 'n',
      type: 'decimal',
      nativeType: 'numeric',
      nullable: true,
      primaryKey: false,
    });
    expect(dec('1000.50')).toEqual(expect.objectContaining({ value: '1000.50' }));
    expect(dec('-000.10')).toEqual(expect.objectContaining({ value: '-0.10' }));
    expect(Number.isNaN(dec('NaN'))).toBe(true);
    expect(dec('-Infinity')).toBe(Number.NEGATIVE_INFINITY);
    expect(dec('1e5')).toBe('1e5');
    const date = sqlDecoder({
      name: 'd',
      type: 'date',
      nativeType: 'date',
      nullable: true,
      primaryKey: false,
    });
    expect(date('2026-11-26')).toEqual(expect.objectContaining({ iso: '2026-11-26' }));
    expect(date('infinity')).toBe('infinity');
    expect(date('2026-11-26 BC')).toBe('2026-11-26 BC');
  });
});
