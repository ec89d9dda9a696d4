// The canonical text of a key value, by the catalog data type of its key item. The same key must land on the
// same row whichever way a connector encoded it: 12, {"$int":"12"} and "12" are one integer key.
import { type DataItemType, DateOnly, Decimal, type FerryValue, Timestamp } from '@ferry/sdk';

const INTEGER = /^-?\d+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The canonical text of `value` as a key of `type`, or undefined when the value cannot be such a key. */
export function keyText(value: FerryValue | undefined, type: DataItemType): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (type) {
    case 'string':
    case 'text':
      return typeof value === 'string' ? value : undefined;
    case 'integer':
      if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Decimal) return INTEGER.test(value.value) ? value.value : undefined;
      if (typeof value === 'string' && INTEGER.test(value)) return BigInt(value).toString();
      return undefined;
    case 'decimal':
      try {
        if (value instanceof Decimal) return value.value;
        if (typeof value === 'bigint') return value.toString();
        if (typeof value === 'number')
          return Number.isFinite(value) ? new Decimal(String(value)).value : undefined;
        if (typeof value === 'string') return new Decimal(value).value;
      } catch {
        return undefined;
      }
      return undefined;
    case 'date':
      if (value instanceof DateOnly) return value.iso;
      return typeof value === 'string' && DATE.test(value) ? value : undefined;
    case 'datetime':
      if (value instanceof Timestamp) return value.iso;
      if (typeof value === 'string') {
        try {
          return new Timestamp(value).iso;
        } catch {
          return undefined;
        }
      }
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : undefined;
    case 'binary':
      return value instanceof Uint8Array
        ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
        : undefined;
  }
}
