// GBK / GB18030 to text in one validating pass. iconv-lite's decoder replaces a bad sequence with U+FFFD
// and says nothing; this loop stops at the first one with its byte offset. It writes UTF-16 code units,
// which become a string in one native copy. Tables come from iconv-lite (gb-tables.ts).
import { type ByteDecoder, decodeError } from './decoder.js';
import {
  FOUR_BYTE_BMP_COUNT,
  FOUR_BYTE_SUPPLEMENTARY_START,
  fourByteIndex,
  type GbTables,
  gbTables,
} from './gb-tables.js';

export class GbDecoder implements ByteDecoder {
  readonly encoding: 'gbk' | 'gb18030';
  private readonly tables: GbTables;
  private carry: Buffer | undefined;
  private offset: number;
  /** Reused output: every input byte gives at most one UTF-16 unit, and the string is a copy. */
  private units = new Uint16Array(0);

  constructor(
    encoding: 'gbk' | 'gb18030',
    private readonly file: string,
    startOffset = 0,
  ) {
    this.encoding = encoding;
    this.tables = gbTables(encoding);
    this.offset = startOffset;
  }

  write(chunk: Buffer): string {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    const n = buf.length;
    const { pairs, four } = this.tables;
    if (this.units.length < n) this.units = new Uint16Array(Math.max(n, 1 << 16));
    const out = this.units;
    let j = 0;
    let i = 0;
    while (i < n) {
      const b = buf[i]!;
      if (b < 0x80) {
        out[j++] = b;
        i++;
        continue;
      }
      let cp: number;
      let len: number;
      if (b === 0x80 || b === 0xff) {
        cp = b === 0x80 ? this.tables.single80 : this.tables.singleFF;
        len = 1;
      } else {
        if (i + 1 >= n) break;
        const b2 = buf[i + 1]!;
        if (b2 >= 0x30 && b2 <= 0x39) {
          if (!four)
            throw this.bad(buf, i, 'four-byte sequences are GB18030, not GBK: configure encoding gb18030');
          if (i + 3 >= n) break;
          const b3 = buf[i + 2]!;
          const b4 = buf[i + 3]!;
          if (b3 < 0x81 || b3 > 0xfe || b4 < 0x30 || b4 > 0x39) throw this.bad(buf, i);
          const idx = fourByteIndex(b, b2, b3, b4);
          if (idx < FOUR_BYTE_BMP_COUNT) cp = four[idx]!;
          else if (idx >= FOUR_BYTE_SUPPLEMENTARY_START && idx < FOUR_BYTE_SUPPLEMENTARY_START + 0x100000)
            cp = 0x10000 + idx - FOUR_BYTE_SUPPLEMENTARY_START;
          else cp = 0;
          len = 4;
        } else {
          cp = pairs[(b << 8) | b2]!;
          len = 2;
        }
      }
      if (cp === 0) throw this.bad(buf, i);
      if (cp < 0x10000) out[j++] = cp;
      else {
        // Only four-byte sequences (four input bytes) give a surrogate pair: the output still fits.
        const v = cp - 0x10000;
        out[j++] = 0xd800 | (v >> 10);
        out[j++] = 0xdc00 | (v & 0x3ff);
      }
      i += len;
    }
    if (i < n) this.carry = Buffer.from(buf.subarray(i));
    this.offset += i;
    return Buffer.from(out.buffer, out.byteOffset, j * 2).toString('utf16le');
  }

  end(): string {
    if (this.carry && this.carry.length > 0) {
      throw decodeError(
        this.file,
        this.encoding,
        this.offset,
        this.carry,
        'the file ends inside a character',
      );
    }
    return '';
  }

  private bad(buf: Buffer, i: number, why?: string) {
    return decodeError(this.file, this.encoding, this.offset + i, buf.subarray(i), why);
  }
}
