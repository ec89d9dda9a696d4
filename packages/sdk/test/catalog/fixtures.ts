// A valid catalog entry to start each test from: a 人口 basic resource with four data items.
import type { CatalogEntry } from '../../src/catalog/index.js';

/** 11350100000012345L: a 党政机关 (11) code in 福州 (350100), check character computed with GB 32100. */
export const PROVIDER_CODE = '11350100000012345L';

export function populationEntry(): CatalogEntry {
  return {
    classification: { category: 'basic', subclass: '01', group: '001' },
    code: '101001/000001',
    name: '常住人口基本信息',
    provider: '某市公安局',
    providerCode: PROVIDER_CODE,
    summary: '本市常住人口的身份、户籍和出生日期信息，供政务服务身份核验使用。',
    format: { type: 'database', detail: 'oracle table' },
    dataItems: [
      { name: '公民身份号码', dataType: 'string', length: 18, key: true, description: 'GB 11643' },
      { name: '姓名', dataType: 'string', length: 50, key: false },
      { name: '出生日期', dataType: 'date', key: false },
      { name: '户籍地址', dataType: 'string', length: 200, key: false },
    ],
    share: {
      type: 'conditional',
      condition: '仅限办理政务服务事项时核验身份，依据《政务信息资源共享管理暂行办法》',
      methods: ['interface', 'platform'],
    },
    open: { isOpen: false },
    updateCycle: 'daily',
    releaseDate: '2024-03-01',
    relatedCodes: ['101002/000001'],
    version: 1,
    secrecy: 'non-classified',
    level: 'department',
  };
}

/** An entry as a test sees it when it breaks one on purpose. */
// biome-ignore lint/suspicious/noExplicitAny: tests write wrong types into entries on purpose.
export type Breakable = Record<string, any>;

/** A deep copy of the population entry with `edit` applied. */
export function edited(edit: (entry: Breakable) => void): unknown {
  const entry = structuredClone(populationEntry()) as unknown as Breakable;
  edit(entry);
  return entry;
}
