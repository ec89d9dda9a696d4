// Catalog entries of the tests: valid per the SDK's rules, varied by share type and key shape.
import type { CatalogEntry, ShareType } from '@ferry/sdk';
import { DEPT } from './pki.js';

/** Resource codes used by the suite. */
export const CODE = {
  /** 无条件共享, one string key. */
  open: '101001/000001',
  /** 有条件共享. */
  conditional: '101001/000002',
  /** 不予共享. */
  closed: '101001/000003',
  /** Composite key: region (string) + id (integer). */
  composite: '201001/000001',
  /** Used by the catalog lifecycle tests only. */
  lifecycle: '101002/000001',
} as const;

const SHARE: Record<ShareType, CatalogEntry['share']> = {
  unconditional: { type: 'unconditional', methods: ['platform'] },
  conditional: {
    type: 'conditional',
    condition: '仅限办理政务服务事项时核验身份',
    methods: ['platform', 'interface'],
  },
  none: { type: 'none', condition: '依据《中华人民共和国个人信息保护法》不予共享' },
};

/** A valid entry for `code` provided by the test provider. */
export function entry(
  code: string,
  options: { share?: ShareType; version?: number; name?: string; composite?: boolean } = {},
): CatalogEntry {
  const [classCode] = code.split('/') as [string];
  const category = classCode[0] === '1' ? 'basic' : classCode[0] === '2' ? 'thematic' : 'departmental';
  const keys: CatalogEntry['dataItems'] = options.composite
    ? [
        { name: '区划代码', dataType: 'string', length: 12, key: true },
        { name: '编号', dataType: 'integer', key: true },
      ]
    : [{ name: '公民身份号码', dataType: 'string', length: 18, key: true }];
  return {
    classification: { category, subclass: classCode.slice(1, 3), group: classCode.slice(3, 6) },
    code,
    name: options.name ?? `测试资源 ${code}`,
    provider: '某市公安局',
    providerCode: DEPT.provider,
    summary: '用于测试共享交换平台的信息资源。',
    format: { type: 'database', detail: 'postgres table' },
    dataItems: [
      ...keys,
      { name: '姓名', dataType: 'string', length: 50, key: false },
      { name: '出生日期', dataType: 'date', key: false },
    ],
    share: SHARE[options.share ?? 'unconditional'],
    open: { isOpen: false },
    updateCycle: 'daily',
    releaseDate: '2025-01-01',
    version: options.version ?? 1,
    secrecy: 'non-classified',
    level: 'department',
  };
}
