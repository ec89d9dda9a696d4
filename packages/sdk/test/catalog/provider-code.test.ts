// Provider codes: GB 32100 统一社会信用代码 with their check character, or short department codes.
import { describe, expect, it } from 'vitest';
import {
  isUnifiedSocialCreditCode,
  providerCodeKind,
  unifiedSocialCreditCheckChar,
} from '../../src/catalog/index.js';
import { isFerryError } from '../../src/errors/index.js';

const CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

describe('GB 32100 check character', () => {
  it('accepts a published example whose check character the algorithm confirms', () => {
    // Widely cited sample code of the standard's documentation.
    expect(unifiedSocialCreditCheckChar('91350100M000100Y4')).toBe('3');
    expect(isUnifiedSocialCreditCode('91350100M000100Y43')).toBe(true);
  });

  it('computes the check character of codes built here, and they validate', () => {
    for (const [first17, check] of [
      ['11350100000012345', 'L'], // 机构编制 (1) 机关 (1), 福州
      ['12100000400010398', 'P'], // 机构编制 (1) 事业单位 (2)
      ['91110108MA00ABCD1', 'U'], // 工商 (9) 企业 (1), 北京海淀
    ] as const) {
      expect(unifiedSocialCreditCheckChar(first17)).toBe(check);
      expect(isUnifiedSocialCreditCode(first17 + check)).toBe(true);
    }
  });

  it('weights positions by 3^i mod 31 and takes 31 minus the sum mod 31, with 31 written as 0', () => {
    expect(WEIGHTS.every((w, i) => w === 3 ** i % 31)).toBe(true);
    const weightedSum = (s: string) =>
      [...s].reduce((sum, ch, i) => sum + CODE_CHARS.indexOf(ch) * (WEIGHTS[i] ?? 0), 0);
    // Sum 1 → 31 − 1 = 30 → 'Y'; sum 0 → 31 → '0'.
    expect(weightedSum('10000000000000000')).toBe(1);
    expect(unifiedSocialCreditCheckChar('10000000000000000')).toBe('Y');
    expect(unifiedSocialCreditCheckChar('00000000000000000')).toBe('0');
    // 'Y' (30) at the last position weighs 30 × 28 = 840 = 27 × 31 + 3 → 31 − 3 = 28 → 'W'.
    expect(unifiedSocialCreditCheckChar('0000000000000000Y')).toBe('W');
  });

  it('catches a changed or swapped character', () => {
    expect(isUnifiedSocialCreditCode('91350100M000100Y44')).toBe(false);
    expect(isUnifiedSocialCreditCode('91350100M000010Y43')).toBe(false);
    expect(isUnifiedSocialCreditCode('11350100000012345M')).toBe(false);
  });

  it('rejects characters outside the GB 32100 set and wrong lengths', () => {
    expect(isUnifiedSocialCreditCode('91350100M000100Y4')).toBe(false);
    expect(isUnifiedSocialCreditCode('91350100m000100y43')).toBe(false);
    expect(isUnifiedSocialCreditCode('9135010OM000100Y43')).toBe(false);
    expect(isUnifiedSocialCreditCode(91350100)).toBe(false);
    try {
      unifiedSocialCreditCheckChar('91350100M000100I4');
      expect.unreachable();
    } catch (err) {
      expect(isFerryError(err, 'FERRY_INVALID_ARGUMENT')).toBe(true);
    }
    expect(() => unifiedSocialCreditCheckChar('123')).toThrow(/17 characters/);
  });
});

describe('providerCodeKind', () => {
  it('tells credit codes from department codes and refuses the rest', () => {
    expect(providerCodeKind('91350100M000100Y43')).toBe('unified-social-credit-code');
    expect(providerCodeKind('36001')).toBe('department-code');
    expect(providerCodeKind('290D3')).toBe('department-code');
    expect(providerCodeKind('91350100M000100Y44')).toBeUndefined(); // 18 characters must be a valid credit code
    expect(providerCodeKind('91350100M000100')).toBeUndefined(); // 13–17 characters: neither form
    expect(providerCodeKind('a1')).toBeUndefined();
    expect(providerCodeKind('X')).toBeUndefined();
    expect(providerCodeKind(undefined)).toBeUndefined();
  });
});
