import { describe, expect, it } from 'vitest';
import { checkCatalogEntry } from '../../src/catalog/index.js';
import { dataItemOf, draftCatalogEntries, type SourceColumn } from '../../src/connector/index.js';
import { MemorySource } from './helpers/memory-source.js';

const col = (
  c: Partial<SourceColumn> & Pick<SourceColumn, 'name' | 'type' | 'nativeType'>,
): SourceColumn => ({
  nullable: true,
  primaryKey: false,
  ...c,
});

describe('catalog drafting', () => {
  it('maps column types to data items the catalog accepts', () => {
    const items = [
      dataItemOf(col({ name: 'id', type: 'bigint', nativeType: 'bigint' }), true),
      dataItemOf(
        col({ name: 'amount', type: 'decimal', nativeType: 'numeric(38,10)', precision: 38, scale: 10 }),
        false,
      ),
      dataItemOf(col({ name: 'name', type: 'string', nativeType: 'varchar(64)', length: 64 }), false),
      dataItemOf(col({ name: 'note', type: 'text', nativeType: 'text' }), false),
      dataItemOf(col({ name: 'born', type: 'date', nativeType: 'date' }), false),
      dataItemOf(col({ name: 'at', type: 'timestamptz', nativeType: 'timestamptz' }), false),
      dataItemOf(col({ name: 'photo', type: 'binary', nativeType: 'bytea' }), false),
      dataItemOf(col({ name: 'ok', type: 'boolean', nativeType: 'boolean' }), false),
    ];
    expect(items.slice(0, 3)).toEqual([
      { name: 'id', key: true, dataType: 'integer', length: 19 },
      { name: 'amount', key: false, dataType: 'decimal', precision: 38, scale: 10 },
      { name: 'name', key: false, dataType: 'string', length: 64 },
    ]);
    const entry = {
      classification: { category: 'basic', classCode: '1', itemCode: '01', catalogCode: '001' },
      code: '101001/000001',
      name: '企业登记信息',
      provider: '市场监督管理局',
      providerCode: '11100000000013127D',
      summary: 'test',
      format: { type: 'database' },
      dataItems: items,
      share: { type: 'unconditional', methods: ['platform'] },
      open: { isOpen: false },
      updateCycle: 'daily',
      releaseDate: '2026-11-26',
      version: 1,
      secrecy: 'non-classified',
      level: 'department',
    };
    const result = checkCatalogEntry(entry);
    const itemIssues = result.ok ? [] : result.issues.filter((i) => i.path.startsWith('dataItems'));
    expect(itemIssues).toEqual([]);
  });

  it('drafts an entry per table with key flags from the primary key', async () => {
    const [draft] = await draftCatalogEntries(new MemorySource(), ['t']);
    expect(draft).toMatchObject({ name: 't', format: { type: 'database' } });
    expect(draft!.dataItems.map((i) => [i.name, i.dataType, i.key])).toEqual([
      ['id', 'integer', true],
      ['v', 'text', false],
    ]);
  });
});
