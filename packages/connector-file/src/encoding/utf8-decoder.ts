// UTF-8: validated with the native isUtf8 and decoded with the native decoder, so the common case costs
// two native passes; only a failure runs the slow JavaScript scan that finds the exact offset.
import { isUtf8 } from 'node:buffer';
import { type ByteDecoder, decodeError } from './decoder.js';

/** Length of the prefix of `buf` that ends on a character boundary (a split tail waits for more bytes). */
export function utf8CompleteLength(buf: Uint8Array): number {
  const len = buf.length;
  let i = len - 1;
  while (i >= 0 && len - i <= 4 && (buf[i]! & 0xc0) === 0x80) i--;
  if (i < 0 || len - i > 4) return len;
  const lead = buf[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + need > len ? i : len;
}

/** Index of the first byte of the first ill-formed sequence, or -1 (Unicode §3.9, table 3-7). */
export function firstInvalidUtf8(buf: Uint8Array, start = 0, end = buf.length): number {
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= end) return i;
    const b1 = buf[i + 1]!;
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = buf[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

export class Utf8Decoder implements ByteDecoder {
  readonly encoding = 'utf-8' as const;
  private carry: Buffer | undefined;
  /** Absolute offset of the next byte to decode (the carry's first byte when there is one). */
  private offset: number;
  private atStart: boolean;

  constructor(
    private readonly file: string,
    startOffset = 0,
  ) {
    this.offset = startOffset;
    this.atStart = startOffset === 0;
  }

  write(chunk: Buffer): string {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    let start = 0;
    if (this.atStart) {
      if (
        buf.length < 3 &&
        buf.length > 0 &&
        [0xef, 0xbb, 0xbf].slice(0, buf.length).every((b, i) => buf[i] === b)
      ) {
        this.carry = Buffer.from(buf);
        return '';
      }
      this.atStart = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    const cut = utf8CompleteLength(buf);
    const body = buf.subarray(start, cut);
    if (!isUtf8(body)) {
      const bad = firstInvalidUtf8(buf, start, cut);
      const at = bad < 0 ? start : bad;
      throw decodeError(this.file, 'utf-8', this.offset + at, buf.subarray(at));
    }
    if (cut < buf.length) {
      this.carry = Buffer.from(buf.subarray(cut));
    }
    this.offset += cut;
    return body.toString('utf8');
  }

  end(): string {
    if (this.carry && this.carry.length > 0) {
      const c = this.carry;
      this.carry = undefined;
      // The start of a 1–2 byte file that looked like a partial BOM is just bytes: validate them as such.
      if (this.atStart) {
        this.atStart = false;
        const bad = firstInvalidUtf8(c);
        if (bad >= 0) throw decodeError(this.file, 'utf-8', this.offset + bad, c.subarray(bad));
        return c.toString('utf8');
      }
      throw decodeError(this.file, 'utf-8', this.offset, c, 'the file ends inside a character');
    }
    return '';
  }
}
