// Phase one of the diff: rows are spread over bucket files by the top bits of their key hash, with no
// sorting and no per-key memory. Each bucket is later sorted in memory on its own (sort-bucket.ts), so
// memory is bounded by one bucket, whatever the file size. Bucket b holds a contiguous range of key
// hashes, so buckets taken in order visit keys in the same order as the sorted state file.
import { join } from 'node:path';
import { BufferedWriter } from '../fs/buffered-writer.js';
import { copyBytes, writeAscii } from '../fs/bytes.js';
import { hash128Bytes } from './hash128.js';

/**
 * Entry layout: key hash (16) | row hash (16) | line (u32) | key length (u32) | payload length (u32) |
 * key text (UTF-8) | payload (UTF-16LE: the row's configured cells, see raw-row-codec.ts).
 */
export const ENTRY_HEADER = 44;

/** Bucket count for a file: about `targetBytes` of entries per bucket, a power of two up to 256. */
export function bucketCountFor(estimatedEntryBytes: number, targetBytes: number): number {
  let n = 1;
  while (n < 256 && n * targetBytes < estimatedEntryBytes) n *= 2;
  return n;
}

/** The bucket of a key hash: its top bits. Monotone in the hash, so buckets are ordered ranges. */
export function bucketOf(buf: Uint8Array, off: number, count: number): number {
  return ((buf[off]! << 8) | buf[off + 1]!) >>> (16 - Math.log2(count));
}

export interface BucketFiles {
  count: number;
  paths: string[];
  entries: number[];
}

export class BucketWriter {
  private readonly writers: Array<BufferedWriter | undefined>;
  private readonly entries: number[];
  private readonly hash = Buffer.allocUnsafe(16);
  private keyBuf = Buffer.allocUnsafe(1024);

  constructor(
    private readonly dir: string,
    readonly count: number,
    private readonly bufferSize = 64 * 1024,
  ) {
    this.writers = new Array(count).fill(undefined);
    this.entries = new Array(count).fill(0);
  }

  add(keyText: string, payload: string, line: number): void {
    // The key's bytes first (its hash picks the bucket), then the entry written in place.
    if (keyText.length * 3 > this.keyBuf.length) this.keyBuf = Buffer.allocUnsafe(keyText.length * 3);
    let klen = writeAscii(keyText, this.keyBuf, 0);
    if (klen < 0) klen = this.keyBuf.write(keyText, 0, 'utf8');
    hash128Bytes(this.keyBuf, 0, klen, this.hash, 0);
    const b = this.count === 1 ? 0 : bucketOf(this.hash, 0, this.count);
    let w = this.writers[b];
    if (!w) {
      w = new BufferedWriter(this.path(b), this.bufferSize);
      this.writers[b] = w;
    }
    const buf = w.reserve(ENTRY_HEADER + klen + payload.length * 2);
    const off = w.offset;
    copyBytes(this.hash, 0, buf, off, 16);
    buf.writeUInt32LE(line, off + 32);
    copyBytes(this.keyBuf, 0, buf, off + ENTRY_HEADER, klen);
    const pstart = off + ENTRY_HEADER + klen;
    const plen = buf.write(payload, pstart, 'utf16le');
    hash128Bytes(buf, pstart, pstart + plen, buf, off + 16);
    buf.writeUInt32LE(klen, off + 36);
    buf.writeUInt32LE(plen, off + 40);
    w.commit(ENTRY_HEADER + klen + plen);
    this.entries[b]!++;
  }

  close(): BucketFiles {
    for (const w of this.writers) w?.close();
    return {
      count: this.count,
      paths: this.writers.map((w, i) => (w ? this.path(i) : '')),
      entries: [...this.entries],
    };
  }

  private path(b: number): string {
    return join(this.dir, `bucket-${String(b).padStart(3, '0')}.bin`);
  }
}
