// Resource codes: classification digits (类 1, 项 2, 目 3, 细目 optional), a slash, then sequence digits.
import { describe, expect, it } from 'vitest';
import {
  BASIC_CLASSES,
  CATEGORY_CODES,
  classificationCode,
  formatResourceCode,
  isResourceCode,
  parseResourceCode,
  THEMATIC_CLASSES,
} from '../../src/catalog/index.js';
import { isFerryError } from '../../src/errors/index.js';

describe('resource codes', () => {
  it('takes a code apart into its classification and sequence', () => {
    expect(parseResourceCode('101001/000001')).toEqual({
      classificationCode: '101001',
      sequence: '000001',
      classification: { category: 'basic', subclass: '01', group: '001' },
    });
    expect(parseResourceCode('211003012/42')).toEqual({
      classificationCode: '211003012',
      sequence: '42',
      classification: { category: 'thematic', subclass: '11', group: '003', detail: '012' },
    });
    expect(parseResourceCode('371000000000/00001')?.classification.category).toBe('departmental');
  });

  it('refuses codes without the slash, with too few digits or an unknown 类', () => {
    for (const code of [
      '101001000001',
      '101001-000001',
      '10100/000001', // 目 has only 2 digits
      '371/000001', // 类 and 项 only: no 目
      '401001/000001', // no 类 4
      '101001/',
      '/000001',
      '101001/00000A',
      ' 101001/000001',
      '101001/000001/1',
      '1010010000000000001/1', // 细目 longer than 12 digits
      '101001/123456789012345678901', // sequence longer than 20 digits
    ]) {
      expect(isResourceCode(code), code).toBe(false);
      expect(parseResourceCode(code), code).toBeUndefined();
    }
    expect(isResourceCode(101001)).toBe(false);
  });

  it('builds codes from a classification, padding numeric sequences', () => {
    const classification = {
      category: 'basic',
      subclass: BASIC_CLASSES.population.code,
      group: '001',
    } as const;
    expect(formatResourceCode(classification, 1)).toBe('101001/000001');
    expect(formatResourceCode(classification, 7, 4)).toBe('101001/0007');
    expect(formatResourceCode({ ...classification, detail: '02' }, '12')).toBe('10100102/12');
    try {
      formatResourceCode(classification, 'x1');
      expect.unreachable();
    } catch (err) {
      expect(isFerryError(err, 'FERRY_INVALID_ARGUMENT')).toBe(true);
    }
  });

  it('puts the 类 digit of the category first', () => {
    expect(CATEGORY_CODES).toEqual({ basic: '1', thematic: '2', departmental: '3' });
    expect(
      classificationCode({
        category: 'thematic',
        subclass: THEMATIC_CLASSES.healthSecurity.code,
        group: '010',
      }),
    ).toBe('202010');
  });

  it('lists the five basic resources and twelve thematic fields with distinct 2-digit codes', () => {
    for (const classes of [BASIC_CLASSES, THEMATIC_CLASSES]) {
      const codes = Object.values(classes).map((c) => c.code);
      expect(new Set(codes).size).toBe(codes.length);
      expect(codes.every((c) => /^\d{2}$/.test(c))).toBe(true);
    }
    expect(Object.values(BASIC_CLASSES).map((c) => c.nameZh)).toEqual([
      '人口',
      '法人单位',
      '自然资源和空间地理',
      '社会信用',
      '电子证照',
    ]);
    expect(Object.keys(THEMATIC_CLASSES)).toHaveLength(12);
  });
});
