// Catalog drafting: a source's table → the data items (信息项) of a catalog entry.
import type { CatalogEntry, DataItem } from '../catalog/index.js';
import type { CaptureTable, Source, SourceColumn } from './source.js';

/** A catalog entry drafted from a table: the parts a schema can tell, to complete by hand before submitting. */
export type CatalogEntryDraft = Partial<CatalogEntry> & Pick<CatalogEntry, 'name' | 'format' | 'dataItems'>;

/** Integer digits by native type, for `length` of integer items. */
const INTEGER_DIGITS: Record<string, number> = {
  tinyint: 3,
  smallint: 5,
  int2: 5,
  mediumint: 7,
  int: 10,
  integer: 10,
  int4: 10,
  bigint: 19,
  int8: 19,
};

/**
 * Maps one column to a catalog data item: type, length (characters, digits or bytes), precision and
 * scale, and the key flag. Columns whose type the catalog cannot state exactly get a description that
 * says what to fill in.
 */
export function dataItemOf(column: SourceColumn, key: boolean): DataItem {
  const base = { name: column.name, key };
  switch (column.type) {
    case 'int':
    case 'bigint': {
      const digits =
        INTEGER_DIGITS[column.nativeType.toLowerCase().split(/[ (]/)[0] ?? ''] ??
        (column.type === 'bigint' ? 19 : 10);
      return {
        ...base,
        dataType: 'integer',
        length: /unsigned/i.test(column.nativeType) && digits === 19 ? 20 : digits,
      };
    }
    case 'decimal':
      if (column.precision !== undefined)
        return { ...base, dataType: 'decimal', precision: column.precision, scale: column.scale ?? 0 };
      return {
        ...base,
        dataType: 'decimal',
        description: `${column.nativeType} without declared precision: fill in precision and scale`,
      };
    case 'float':
      return {
        ...base,
        dataType: 'decimal',
        description: `approximate ${column.nativeType}: fill in the precision and scale the data needs`,
      };
    case 'boolean':
      return { ...base, dataType: 'boolean' };
    case 'string':
      return column.length !== undefined
        ? { ...base, dataType: 'string', length: column.length }
        : { ...base, dataType: 'text' };
    case 'uuid':
      return { ...base, dataType: 'string', length: 36 };
    case 'time':
      return { ...base, dataType: 'string', length: 21, description: `time of day (${column.nativeType})` };
    case 'date':
      return { ...base, dataType: 'date' };
    case 'timestamp':
    case 'timestamptz':
      return { ...base, dataType: 'datetime' };
    case 'binary':
      return column.length !== undefined
        ? { ...base, dataType: 'binary', length: column.length }
        : { ...base, dataType: 'binary' };
    case 'json':
      return { ...base, dataType: 'text', description: `JSON (${column.nativeType})` };
    default:
      return { ...base, dataType: 'text', description: column.nativeType };
  }
}

/**
 * Drafts catalog entries (信息资源目录条目) for tables: name, format (a database table) and data items
 * from the columns, key flags from the primary key (or the configured key). Classification, code,
 * provider, summary, share and open attributes and the update cycle are left for a person to fill in.
 *
 * @example
 * ```ts
 * const [draft] = await draftCatalogEntries(source, [{ table: 'public.licences' }]);
 * const entry = { ...draft, code: '101001/000001', provider: '市场监督管理局', … };
 * ```
 */
export async function draftCatalogEntries(
  source: Source,
  tables: readonly (Pick<CaptureTable, 'table' | 'key' | 'columns'> | string)[],
): Promise<CatalogEntryDraft[]> {
  const wanted = tables.map((t) => (typeof t === 'string' ? { table: t } : t));
  const metas = await source.discover(wanted.map((t) => t.table));
  return wanted.map((t, i) => {
    const meta = metas[i]!;
    const key = new Set(t.key && t.key.length > 0 ? t.key : meta.primaryKey);
    const include = t.columns?.include ? new Set(t.columns.include) : undefined;
    const exclude = new Set(t.columns?.exclude ?? []);
    const columns = meta.columns.filter(
      (c) => key.has(c.name) || ((!include || include.has(c.name)) && !exclude.has(c.name)),
    );
    return {
      name: meta.name.split('.').pop()!,
      format: { type: 'database', detail: `${source.name} table ${meta.name}` },
      dataItems: columns.map((c) => dataItemOf(c, key.has(c.name))),
    };
  });
}
