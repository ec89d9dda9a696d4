// The resource the hub benchmarks send: a population register (bigint key, Chinese text, decimal, date,
// timestamp; about 280 bytes of NDJSON a row), its catalog entry and its rows, generated page by page.
import { type CatalogEntry, type Change, DateOnly, Decimal, Timestamp } from '@ferry/sdk';

export const RESOURCE = '101001/000001';

/** The published catalog entry of {@link RESOURCE}, provided by GA01. */
export const entry: CatalogEntry = {
  classification: { category: 'basic', subclass: '01', group: '001' },
  code: RESOURCE,
  name: '常住人口基本信息',
  provider: '某市公安局',
  providerCode: 'GA01',
  summary: '基准测试用的信息资源。',
  format: { type: 'database', detail: 'table' },
  dataItems: [
    { name: 'id', dataType: 'integer', key: true },
    { name: 'name', dataType: 'string', length: 50, key: false },
    { name: 'address', dataType: 'string', length: 200, key: false },
    { name: 'amount', dataType: 'decimal', precision: 18, scale: 2, key: false },
    { name: 'born', dataType: 'date', key: false },
    { name: 'updated', dataType: 'datetime', key: false },
  ],
  share: { type: 'unconditional', methods: ['platform'] },
  open: { isOpen: false },
  updateCycle: 'realtime',
  releaseDate: '2025-01-01',
  version: 1,
  secrecy: 'non-classified',
  level: 'department',
} as CatalogEntry;

const UPDATED = new Timestamp('2026-11-26T08:00:00.123456+08:00');
/** Rows first … first+n-1 of the generated table: built per page, never all at once. */
export function page(first: number, n: number): Change[] {
  const changes: Change[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const k = first + i;
    const id = BigInt(k);
    changes[i] = {
      op: 'upsert',
      key: { id },
      row: {
        id,
        name: k % 2 ? '张三' : '李四·欧阳',
        address: `山东省济南市历下区泉城路${k}号（政务服务中心）`,
        amount: new Decimal(`${k % 100000}.${String(k % 100).padStart(2, '0')}`),
        born: new DateOnly(`19${String(50 + (k % 50))}-0${1 + (k % 9)}-1${k % 10}`),
        updated: UPDATED,
      },
    };
  }
  return changes;
}
