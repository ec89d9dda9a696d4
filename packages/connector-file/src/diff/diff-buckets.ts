// Phase two of the diff: each bucket, sorted, is merged with the previous state's entries of the same
// hash range. New or changed rows become upserts, keys found only in the state become deletes, and the
// new state is written in the same pass. Duplicate keys within the export are reported (the first row,
// by line, wins).
import { readFileSync, rmSync } from 'node:fs';
import { type BucketFiles, bucketOf, ENTRY_HEADER, payloadStart } from './buckets.js';
import { sortBucket } from './sort-bucket.js';
import { DELETE, type SpoolWriter, UPSERT } from './spool.js';
import type { StateReader, StateWriter } from './state-file.js';

export interface DiffInput {
  buckets: BucketFiles;
  /** The previous state to compare with; absent for a first export, a resnapshot or append mode. */
  previous: StateReader | undefined;
  /** Where the new state goes; absent in append mode (no state is kept). */
  state: StateWriter | undefined;
  spool: SpoolWriter;
  /** A row whose key already appeared at `firstLine`. */
  onDuplicate(line: number, firstLine: number, keyText: string): void;
}

export interface DiffCounts {
  upserts: number;
  deletes: number;
  unchanged: number;
  duplicates: number;
}

export function diffBuckets(input: DiffInput): DiffCounts {
  const { buckets, previous: prev, state, spool } = input;
  const counts: DiffCounts = { upserts: 0, deletes: 0, unchanged: 0, duplicates: 0 };
  const empty = Buffer.alloc(0);
  for (let b = 0; b < buckets.count; b++) {
    const path = buckets.paths[b];
    const buf = path ? readFileSync(path) : empty;
    const order = buf.length ? sortBucket(buf, buckets.entries[b]) : new Uint32Array(0);
    let kept = -1;
    let i = 0;
    for (;;) {
      const prevHere = prev?.has === true && bucketOf(prev.buf, prev.off, buckets.count) <= b;
      if (i >= order.length && !prevHere) break;
      const cur = i < order.length ? order[i]! : -1;
      if (cur >= 0 && kept >= 0 && sameKey(buf, kept, cur)) {
        counts.duplicates++;
        const klen = buf.readUInt32LE(cur + 36);
        input.onDuplicate(
          buf.readUInt32LE(cur + 32),
          buf.readUInt32LE(kept + 32),
          buf.toString('utf8', cur + ENTRY_HEADER, cur + ENTRY_HEADER + klen),
        );
        i++;
        continue;
      }
      const c = cur < 0 ? 1 : !prevHere ? -1 : compareWithState(buf, cur, prev!);
      if (c > 0) {
        // In the state, gone from the export.
        spool.add(DELETE, 0, prev!.buf, prev!.off + 36, prev!.keyLen);
        counts.deletes++;
        prev!.next();
        continue;
      }
      const klen = buf.readUInt32LE(cur + 36);
      const plen = buf.readUInt32LE(cur + 40);
      if (c === 0 && equal16(buf, cur + 16, prev!.buf, prev!.off + 16)) counts.unchanged++;
      else {
        spool.add(UPSERT, buf.readUInt32LE(cur + 32), buf, payloadStart(buf, cur), plen);
        counts.upserts++;
      }
      state?.add(buf, cur, cur + 16, buf, cur + ENTRY_HEADER, klen);
      if (c === 0) prev!.next();
      kept = cur;
      i++;
    }
    if (path) rmSync(path, { force: true });
  }
  return counts;
}

function sameKey(buf: Buffer, a: number, b: number): boolean {
  if (!equal16(buf, a, buf, b)) return false;
  const la = buf.readUInt32LE(a + 36);
  const lb = buf.readUInt32LE(b + 36);
  return (
    la === lb &&
    buf.compare(buf, a + ENTRY_HEADER, a + ENTRY_HEADER + la, b + ENTRY_HEADER, b + ENTRY_HEADER + lb) === 0
  );
}

/** Compares a bucket entry with the state's current entry by key hash, then key text. */
function compareWithState(buf: Buffer, cur: number, prev: StateReader): number {
  // Hashes differ in their first word almost always: compare words in JavaScript before calling out.
  const p = prev.buf;
  const o = prev.off;
  for (let k = 0; k < 16; k += 4) {
    const x = buf.readUInt32BE(cur + k);
    const y = p.readUInt32BE(o + k);
    if (x !== y) return x < y ? -1 : 1;
  }
  const klen = buf.readUInt32LE(cur + 36);
  return buf.compare(
    prev.buf,
    prev.off + 36,
    prev.off + 36 + prev.keyLen,
    cur + ENTRY_HEADER,
    cur + ENTRY_HEADER + klen,
  );
}

function equal16(a: Buffer, ao: number, b: Buffer, bo: number): boolean {
  // Byte by byte: hashes of different keys or rows almost always differ in the first byte.
  for (let k = 0; k < 16; k++) if (a[ao + k] !== b[bo + k]) return false;
  return true;
}
