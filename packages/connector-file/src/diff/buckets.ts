// Phase one of the diff: rows are spread over bucket files by the top bits of their key hash, with no
// sorting and no per-key memory. Each bucket is later sorted in memory on its own (sort-bucket.ts), so
// memory is bounded by one bucket, whatever the file size. Bucket b holds a contiguous range of key
// hashes, so buckets taken in order visit keys in the same order as the sorted state file.
import { endianness } from 'node:os';
import { join } from 'node:path';
import { BufferedWriter } from '../fs/buffered-writer.js';
import { copyBytes, writeAscii } from '../fs/bytes.js';
import { RAW_SEP } from '../rows/raw-row-codec.js';
import type { RawRow } from '../rows/row-mapper.js';
import { hash128Bytes, hash128Units } from './hash128.js';

/**
 * Entry layout: key hash (16) | row hash (16) | line (u32) | key length (u32) | payload length (u32) |
 * key text (UTF-8) | a zero byte when the key's length is odd | payload (UTF-16LE: the row's configured
 * cells, see raw-row-codec.ts). Entries start at even offsets, so payloads are 2-byte aligned and written
 * as code units.
 */
export const ENTRY_HEADER = 44;

/** Offset of the payload of the entry at `off`. */
export function payloadStart(buf: Buffer, off: number): number {
  const klen = buf.readUInt32LE(off + 36);
  return off + ENTRY_HEADER + klen + (klen & 1);
}

/** Size of the entry at `off`. */
export function entrySize(buf: Buffer, off: number): number {
  const klen = buf.readUInt32LE(off + 36);
  return ENTRY_HEADER + klen + (klen & 1) + buf.readUInt32LE(off + 40);
}

const LITTLE_ENDIAN = endianness() === 'LE';
const SEP_UNIT = 0xd800;

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
  /** Bucket of the entry being written. */
  private bucket = 0;
  /** Code-unit view of the current writer's buffer. */
  private units: Uint16Array | undefined;

  constructor(
    private readonly dir: string,
    readonly count: number,
    private readonly bufferSize = 64 * 1024,
  ) {
    this.writers = new Array(count).fill(undefined);
    this.entries = new Array(count).fill(0);
  }

  /** Adds a row whose payload is already encoded (raw-row-codec.ts). */
  add(keyText: string, payload: string, line: number): void {
    const klen = this.keyBytes(keyText);
    const w = this.writerOf();
    const pad = klen & 1;
    const buf = w.reserve(ENTRY_HEADER + klen + pad + payload.length * 2);
    const off = w.offset;
    const pstart = off + ENTRY_HEADER + klen + pad;
    const plen = buf.write(payload, pstart, 'utf16le');
    hash128Bytes(buf, pstart, pstart + plen, buf, off + 16);
    this.finish(w, buf, off, klen, plen, line);
  }

  /**
   * Adds a row of CSV/TSV cells, which hold no lone surrogate: the payload `encodeRawRow(cells, false)`
   * would give, written unit by unit without joining the cells first.
   */
  addCells(keyText: string, cells: RawRow, line: number): void {
    let units = cells.length - 1;
    for (let c = 0; c < cells.length; c++) units += cells[c]?.length ?? 0;
    const klen = this.keyBytes(keyText);
    const w = this.writerOf();
    const pad = klen & 1;
    const buf = w.reserve(ENTRY_HEADER + klen + pad + units * 2);
    const off = w.offset;
    const pstart = off + ENTRY_HEADER + klen + pad;
    const abs = buf.byteOffset + pstart;
    if (!LITTLE_ENDIAN || abs & 1) {
      this.add(keyText, cells.join(RAW_SEP), line);
      return;
    }
    if (this.units?.buffer !== buf.buffer)
      this.units = new Uint16Array(buf.buffer, 0, buf.buffer.byteLength >> 1);
    const u = this.units;
    const first = abs >> 1;
    let p = first;
    for (let c = 0; c < cells.length; c++) {
      if (c > 0) u[p++] = SEP_UNIT;
      const v = cells[c];
      if (v) for (let k = 0; k < v.length; k++) u[p++] = v.charCodeAt(k);
    }
    hash128Units(u, first, p, buf, off + 16);
    this.finish(w, buf, off, klen, units * 2, line);
  }

  /** Writes the key's UTF-8 bytes and hash to the scratch buffers; returns the byte length. */
  private keyBytes(keyText: string): number {
    if (keyText.length * 3 > this.keyBuf.length) this.keyBuf = Buffer.allocUnsafe(keyText.length * 3);
    let klen = writeAscii(keyText, this.keyBuf, 0);
    if (klen < 0) klen = this.keyBuf.write(keyText, 0, 'utf8');
    hash128Bytes(this.keyBuf, 0, klen, this.hash, 0);
    return klen;
  }

  /** The writer of the bucket the key hash picks. */
  private writerOf(): BufferedWriter {
    const b = this.count === 1 ? 0 : bucketOf(this.hash, 0, this.count);
    this.bucket = b;
    let w = this.writers[b];
    if (!w) {
      w = new BufferedWriter(this.path(b), this.bufferSize);
      this.writers[b] = w;
    }
    return w;
  }

  /** Completes the entry whose payload (and row hash) is in place. */
  private finish(w: BufferedWriter, buf: Buffer, off: number, klen: number, plen: number, line: number) {
    copyBytes(this.hash, 0, buf, off, 16);
    buf.writeUInt32LE(line, off + 32);
    buf.writeUInt32LE(klen, off + 36);
    buf.writeUInt32LE(plen, off + 40);
    copyBytes(this.keyBuf, 0, buf, off + ENTRY_HEADER, klen);
    if (klen & 1) buf[off + ENTRY_HEADER + klen] = 0;
    w.commit(ENTRY_HEADER + klen + (klen & 1) + plen);
    this.entries[this.bucket]!++;
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
