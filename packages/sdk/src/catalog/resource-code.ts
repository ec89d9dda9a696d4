// 信息资源代码: the classification digits (分类码), a slash, then the sequence number (顺序码).
import { FerryError } from '../errors/index.js';
import {
  CATEGORY_CODES,
  type CatalogCategory,
  type CatalogClassification,
  classificationCode,
} from './classification.js';

/**
 * The accepted form of a resource code: 6 to 18 classification digits (类 1 + 项 2 + 目 3 + 细目 0–12),
 * `/`, then 1 to 20 sequence digits. The first digit must be a known 类 (1, 2 or 3).
 */
export const RESOURCE_CODE_PATTERN: RegExp = /^[123]\d{5,17}\/\d{1,20}$/;

/** A resource code taken apart. */
export interface ParsedResourceCode {
  /** The digits before the slash (分类码). */
  classificationCode: string;
  /** The digits after the slash (顺序码). */
  sequence: string;
  /** The classification the digits encode. */
  classification: CatalogClassification;
}

const CATEGORY_BY_DIGIT = Object.fromEntries(
  Object.entries(CATEGORY_CODES).map(([category, digit]) => [digit, category]),
) as Record<string, CatalogCategory>;

/**
 * Takes a resource code apart, or returns `undefined` when it does not have the accepted form
 * ({@link RESOURCE_CODE_PATTERN}).
 *
 * @example
 * ```ts
 * parseResourceCode('101001/000001');
 * // { classificationCode: '101001', sequence: '000001',
 * //   classification: { category: 'basic', subclass: '01', group: '001' } }
 * ```
 */
export function parseResourceCode(code: string): ParsedResourceCode | undefined {
  if (typeof code !== 'string' || !RESOURCE_CODE_PATTERN.test(code)) return undefined;
  const slash = code.indexOf('/');
  const digits = code.slice(0, slash);
  const category = CATEGORY_BY_DIGIT[digits.slice(0, 1)];
  if (category === undefined) return undefined;
  const classification: CatalogClassification = {
    category,
    subclass: digits.slice(1, 3),
    group: digits.slice(3, 6),
  };
  if (digits.length > 6) classification.detail = digits.slice(6);
  return { classificationCode: digits, sequence: code.slice(slash + 1), classification };
}

/**
 * True when `code` has the form of a resource code.
 *
 * @example
 * ```ts
 * isResourceCode('101001/000001'); // true
 * isResourceCode('101001-000001'); // false
 * ```
 */
export function isResourceCode(code: unknown): code is string {
  return typeof code === 'string' && parseResourceCode(code) !== undefined;
}

/**
 * Builds a resource code from a classification and a sequence number. Numbers are zero-padded to
 * `width` digits (default 6); strings are used as given and must be digits.
 *
 * @example
 * ```ts
 * formatResourceCode({ category: 'basic', subclass: '01', group: '001' }, 1); // '101001/000001'
 * ```
 */
export function formatResourceCode(
  classification: CatalogClassification,
  sequence: number | string,
  width = 6,
): string {
  const seq =
    typeof sequence === 'number' && Number.isSafeInteger(sequence) && sequence >= 0
      ? String(sequence).padStart(width, '0')
      : sequence;
  const code = `${classificationCode(classification)}/${seq}`;
  if (parseResourceCode(code) === undefined) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', `"${code}" is not a valid resource code`, {
      details: { code },
    });
  }
  return code;
}
