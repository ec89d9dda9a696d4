// 统一社会信用代码 (unified social credit code, GB 32100-2015): format and check characters. Department codes
// that are not credit codes (部门代码) are accepted by Ferry too; this only tells the two apart and warns.

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
// The embedded 组织机构代码 (GB 11714): 8 characters and a check character.
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** The check character (18th) of a credit code from its first 17 characters. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CHARSET.indexOf(first17[i] ?? '');
    if (value < 0) throw new RangeError(`"${first17[i]}" is not a credit code character`);
    sum += value * WEIGHTS[i]!;
  }
  return CHARSET[(31 - (sum % 31)) % 31]!;
}

/** The check character (9th) of an organization code (组织机构代码) from its first 8 characters. */
export function organizationCodeCheckChar(first8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number.parseInt(first8[i] ?? '', 36) * ORG_WEIGHTS[i]!;
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/**
 * Builds a valid credit code: registration authority and kind (e.g. `11` for a 机关), a six-digit region code,
 * and the eight-character body of the organization code; both check characters are computed.
 */
export function makeCreditCode(kind: string, region: string, orgBody: string): string {
  const first17 = kind + region + orgBody + organizationCodeCheckChar(orgBody);
  return first17 + creditCodeCheckChar(first17);
}

/**
 * Why `code` is not a well-formed credit code, or undefined when it is one. Only 18-character codes are
 * judged; anything else is taken for a 部门代码 and not checked.
 */
export function creditCodeProblem(code: string): string | undefined {
  if (code.length !== 18) return undefined;
  if (![...code].every((c) => CHARSET.includes(c))) {
    return 'it has characters a 统一社会信用代码 cannot contain (I, O, S, V, Z or lowercase)';
  }
  const expected = creditCodeCheckChar(code.slice(0, 17));
  if (code[17] !== expected) return `its check character should be ${expected}, not ${code[17]}`;
  return undefined;
}
