import type { CatalogEntry, DataItemType } from '@ferry/sdk';

/** The key items (是否主键) of an entry, in catalog order: what a resource table is keyed by. */
export function keyItemsOf(entry: CatalogEntry): { name: string; dataType: DataItemType }[] {
  return entry.dataItems
    .filter((item) => item.key)
    .map((item) => ({ name: item.name, dataType: item.dataType }));
}

/** True when two key-item lists name the same items with the same types in the same order. */
export function sameKeyItems(
  a: readonly { name: string; dataType: DataItemType }[],
  b: readonly { name: string; dataType: DataItemType }[],
): boolean {
  return (
    a.length === b.length &&
    a.every((item, i) => item.name === b[i]?.name && item.dataType === b[i]?.dataType)
  );
}
