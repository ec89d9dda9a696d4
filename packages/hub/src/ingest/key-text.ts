// The canonical text of a key value, by the catalog data type of its key item, read from the value's wire form
// (docs/protocol/changes.md) without decoding it. The same key must land on the same row whichever way a
// connector encoded it: 12, {"$int":"12"} and "12" are one integer key.
import type { DataItemType } from '@ferry/sdk';
import { DATE, DECIMAL, INTEGER, TIMESTAMP, tagOf } from './wire-check.js';

/** The canonical text of the wire value `value` as a key of `type`, or undefined when it cannot be such a key. */
export function keyText(value: unknown, type: DataItemType): string | undefined {
  if (value === null || value === undefined) return undefined;
  const tagged = tagOf(value);
  switch (type) {
    case 'string':
    case 'text':
      return typeof value === 'string' ? value : undefined;
    case 'integer':
      if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : undefined;
      if (typeof value === 'string') return INTEGER.test(value) ? BigInt(value).toString() : undefined;
      if (tagged?.tag === '$int')
        return INTEGER.test(tagged.value) ? BigInt(tagged.value).toString() : undefined;
      if (tagged?.tag === '$dec') {
        const canonical = decimalText(tagged.value);
        return canonical !== undefined && INTEGER.test(canonical) ? canonical : undefined;
      }
      return undefined;
    case 'decimal':
      if (typeof value === 'number') return Number.isFinite(value) ? decimalText(String(value)) : undefined;
      if (typeof value === 'string') return decimalText(value);
      if (tagged?.tag === '$dec') return decimalText(tagged.value);
      if (tagged?.tag === '$int')
        return INTEGER.test(tagged.value) ? BigInt(tagged.value).toString() : undefined;
      return undefined;
    case 'date':
      if (typeof value === 'string') return DATE.test(value) ? value : undefined;
      return tagged?.tag === '$date' && DATE.test(tagged.value) ? tagged.value : undefined;
    case 'datetime':
      if (typeof value === 'string') return TIMESTAMP.test(value) ? value : undefined;
      return tagged?.tag === '$ts' && TIMESTAMP.test(tagged.value) ? tagged.value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? String(value) : undefined;
    case 'binary':
      // Re-encoded so that unpadded and padded base64 of the same bytes are one key.
      return tagged?.tag === '$bin' && /^[A-Za-z0-9+/]*={0,2}$/.test(tagged.value)
        ? Buffer.from(tagged.value, 'base64').toString('base64')
        : undefined;
  }
}

/** The canonical decimal text (as `Decimal` writes it), or undefined. */
function decimalText(text: string): string | undefined {
  const m = DECIMAL.exec(text.trim());
  if (!m) return undefined;
  const int = m[2]!.replace(/^0+(?=\d)/, '');
  const frac = m[3] ?? '';
  const sign = m[1] && /[1-9]/.test(int + frac) ? '-' : '';
  return frac ? `${sign}${int}.${frac}` : `${sign}${int}`;
}
