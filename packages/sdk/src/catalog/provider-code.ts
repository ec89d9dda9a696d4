// Provider codes: the 统一社会信用代码 of GB 32100 (checked with its check character) or a short department code.
import { FerryError } from '../errors/index.js';

// GB 32100 code characters, in value order: digits and capitals without I, O, S, V, Z.
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
// Weight of position i is 3^i mod 31.
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

const USCC_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;
const DEPARTMENT_SHAPE = /^[0-9A-Z]{2,12}$/;

/**
 * The shape a provider code must have: an 18-character 统一社会信用代码 (positions 3–8 are the
 * administrative-division digits) or a 2–12 character department code of digits and capitals.
 * The GB 32100 check character is verified separately by {@link isUnifiedSocialCreditCode}.
 */
export const PROVIDER_CODE_PATTERN: RegExp =
  /^(?:[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}|[0-9A-Z]{2,12})$/;

/**
 * Computes the GB 32100 check character (position 18) of a 统一社会信用代码 from its first 17 characters.
 *
 * @example
 * ```ts
 * unifiedSocialCreditCheckChar('91350100M000100Y4'); // '3'
 * ```
 */
export function unifiedSocialCreditCheckChar(first17: string): string {
  if (typeof first17 !== 'string' || first17.length !== 17) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'A 统一社会信用代码 check needs exactly 17 characters');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CHARSET.indexOf(first17.charAt(i));
    if (value < 0) {
      throw new FerryError(
        'FERRY_INVALID_ARGUMENT',
        `"${first17.charAt(i)}" at position ${i + 1} is not a GB 32100 code character`,
      );
    }
    sum += value * (WEIGHTS[i] ?? 0);
  }
  return CHARSET.charAt((31 - (sum % 31)) % 31);
}

/** True when `code` has the shape of a 统一社会信用代码, whatever its check character. */
export function hasUnifiedSocialCreditShape(code: unknown): code is string {
  return typeof code === 'string' && USCC_SHAPE.test(code);
}

/**
 * True when `code` is a well-formed 统一社会信用代码 (GB 32100) whose check character is right.
 *
 * @example
 * ```ts
 * isUnifiedSocialCreditCode('91350100M000100Y43'); // true
 * isUnifiedSocialCreditCode('91350100M000100Y44'); // false: wrong check character
 * ```
 */
export function isUnifiedSocialCreditCode(code: unknown): boolean {
  return (
    hasUnifiedSocialCreditShape(code) && unifiedSocialCreditCheckChar(code.slice(0, 17)) === code.charAt(17)
  );
}

/** What kind of provider code a string is. */
export type ProviderCodeKind = 'unified-social-credit-code' | 'department-code';

/**
 * Classifies a provider code (信息资源提供方代码): an 18-character string must be a valid 统一社会信用代码;
 * a 2–12 character string of digits and capitals is taken as a department code (部门代码, such as the
 * organ codes provincial catalog standards assign). Anything else is `undefined`.
 *
 * @example
 * ```ts
 * providerCodeKind('91350100M000100Y43'); // 'unified-social-credit-code'
 * providerCodeKind('36001');              // 'department-code'
 * providerCodeKind('91350100M000100Y44'); // undefined (bad check character)
 * ```
 */
export function providerCodeKind(code: unknown): ProviderCodeKind | undefined {
  if (typeof code !== 'string') return undefined;
  if (code.length === 18) return isUnifiedSocialCreditCode(code) ? 'unified-social-credit-code' : undefined;
  return DEPARTMENT_SHAPE.test(code) ? 'department-code' : undefined;
}
