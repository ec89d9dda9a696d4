// The hand-written validators of Decimal, Timestamp and DateOnly against the regular expressions they replace.
import { describe, expect, it } from 'vitest';
import { DateOnly, Decimal, Timestamp } from '../../src/changes/index.js';
import { isDecimalText, isIsoDate, isIsoTimestamp } from '../../src/changes/values.js';
import { mutants } from '../helpers/random.js';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** The Decimal constructor as it was: a regular expression, then leading zeros and the sign of zero. */
function refDecimal(value: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) throw new TypeError(`"${value}" is not a decimal number`);
  const int = m[2]!.replace(/^0+(?=\d)/, '');
  const frac = m[3] ?? '';
  const sign = m[1] && /[1-9]/.test(int + frac) ? '-' : '';
  return frac ? `${sign}${int}.${frac}` : `${sign}${int}`;
}

describe('value validators', () => {
  it('accept exactly what the regular expressions accept', () => {
    const timestamps = mutants(
      [
        '2026-11-26T08:00:00',
        '2026-11-26T08:00:00.123456789+08:00',
        '2026-11-26T08:00:00.5Z',
        '0001-01-01T00:00:00-05:30',
      ],
      '0123456789-+:.TZ tz٣\n',
      20_000,
      1,
    );
    for (const t of timestamps) {
      expect(isIsoTimestamp(t), t).toBe(ISO_TIMESTAMP.test(t));
      expect(isIsoDate(t), t).toBe(ISO_DATE.test(t));
    }
    for (const d of mutants(['2026-11-26', '0000-00-00'], '0123456789-T \n', 5_000, 2))
      expect(isIsoDate(d), d).toBe(ISO_DATE.test(d));
    for (const d of mutants(
      ['0', '-0.00', '12345678901234567890.12', '007', '-1.50', '0.5'],
      '0123456789-.+ e',
      20_000,
      3,
    )) {
      expect(isDecimalText(d), d).toBe(DECIMAL.test(d));
      let expected: string | Error;
      try {
        expected = refDecimal(d);
      } catch (e) {
        expected = e as Error;
      }
      if (expected instanceof Error) expect(() => new Decimal(d), d).toThrow(expected.message);
      else expect(new Decimal(d).value, d).toBe(expected);
    }
  });

  it('keep canonical decimals and canonicalize the rest', () => {
    expect(new Decimal('1000.50').value).toBe('1000.50');
    expect(new Decimal('-0.00').value).toBe('0.00');
    expect(new Decimal('-000.10').value).toBe('-0.10');
    expect(new Decimal(' 42 ').value).toBe('42');
    expect(() => new Decimal('1e5')).toThrow(/not a decimal/);
    expect(() => new Timestamp('2026-11-26T08:00:00.1234567890Z')).toThrow(/ISO 8601/);
    expect(() => new DateOnly('2026-1-26')).toThrow(/ISO 8601/);
  });
});
