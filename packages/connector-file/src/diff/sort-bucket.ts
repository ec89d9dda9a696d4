// Sorts one bucket's entries by (key hash, key text, file order). The first 32 bits of the hash and the
// entry's index are packed into one float64 (exact below 2^53) and sorted natively, which is far faster
// than a comparator sort; the rare entries sharing those 32 bits are then ordered by the full comparison.
import { FerryError } from '@ferry/sdk/errors';
import { ENTRY_HEADER, entrySize } from './buckets.js';

const INDEX_BITS = 2 ** 21;

/** Offsets of the entries of `buf` (`entries` of them, when known), in sorted order. */
export function sortBucket(buf: Buffer, entries?: number): Uint32Array {
  let offsets: Uint32Array | number[];
  if (entries !== undefined) {
    offsets = new Uint32Array(entries);
    let off = 0;
    for (let i = 0; i < entries; i++) {
      offsets[i] = off;
      off += entrySize(buf, off);
    }
    if (off !== buf.length)
      throw new FerryError(
        'FERRY_FILE_STATE',
        `a diff bucket holds ${buf.length} bytes where its ${entries} entries take ${off}`,
      );
  } else {
    offsets = [];
    for (let off = 0; off < buf.length; ) {
      offsets.push(off);
      off += entrySize(buf, off);
    }
  }
  const n = offsets.length;
  const order = new Uint32Array(n);
  if (n >= INDEX_BITS) {
    const idx = Array.from({ length: n }, (_, i) => i);
    idx.sort((a, b) => compareEntries(buf, offsets[a]!, offsets[b]!) || a - b);
    for (let i = 0; i < n; i++) order[i] = offsets[idx[i]!]!;
    return order;
  }
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = buf.readUInt32BE(offsets[i]!) * INDEX_BITS + i;
  keys.sort();
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = keys[i]! % INDEX_BITS;
  // Runs with equal top 32 bits: insertion sort by the full key, then by index (file order).
  for (let i = 0; i < n; ) {
    const hi = Math.floor(keys[i]! / INDEX_BITS);
    let j = i + 1;
    while (j < n && Math.floor(keys[j]! / INDEX_BITS) === hi) j++;
    if (j - i > 1) {
      for (let a = i + 1; a < j; a++) {
        const v = idx[a]!;
        let b = a - 1;
        while (b >= i && (compareEntries(buf, offsets[idx[b]!]!, offsets[v]!) || idx[b]! - v) > 0) {
          idx[b + 1] = idx[b]!;
          b--;
        }
        idx[b + 1] = v;
      }
    }
    i = j;
  }
  for (let i = 0; i < n; i++) order[i] = offsets[idx[i]!]!;
  return order;
}

/** Compares two bucket entries by key hash, then key text. */
export function compareEntries(buf: Buffer, a: number, b: number): number {
  const h = buf.compare(buf, b, b + 16, a, a + 16);
  if (h !== 0) return h;
  return buf.compare(
    buf,
    b + ENTRY_HEADER,
    b + ENTRY_HEADER + buf.readUInt32LE(b + 36),
    a + ENTRY_HEADER,
    a + ENTRY_HEADER + buf.readUInt32LE(a + 36),
  );
}
