// Lookup tables for GBK and GB18030, built once per process from iconv-lite's own mappings (so the
// result is exactly iconv-lite's), then used by a single validating loop in gb-decoder.ts.
import iconv from 'iconv-lite';

export interface GbTables {
  /** Code point of each two-byte sequence `(lead << 8) | trail`; 0 where it is unmapped or ill-formed. */
  readonly pairs: Uint32Array;
  /** Code point of the single bytes 0x80 and 0xFF (0 when invalid). */
  readonly single80: number;
  readonly singleFF: number;
  /** GB18030 only: BMP code points of the four-byte sequences 0x81308130–0x8431A439, by linear index. */
  readonly four: Uint16Array | undefined;
}

const cache = new Map<string, GbTables>();

/** Linear index of a GB18030 four-byte sequence (0 for 0x81308130). */
export function fourByteIndex(b1: number, b2: number, b3: number, b4: number): number {
  return (((b1 - 0x81) * 10 + (b2 - 0x30)) * 126 + (b3 - 0x81)) * 10 + (b4 - 0x30);
}

/** Index of 0x84 0x31 0xA4 0x39, the last BMP sequence; 0x90308130 (index 189000) starts U+10000. */
export const FOUR_BYTE_BMP_COUNT = fourByteIndex(0x84, 0x31, 0xa4, 0x39) + 1;
export const FOUR_BYTE_SUPPLEMENTARY_START = 189000;

export function gbTables(encoding: 'gbk' | 'gb18030'): GbTables {
  const hit = cache.get(encoding);
  if (hit) return hit;
  const pairs = new Uint32Array(65536);
  const list: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) list.push((lead << 8) | trail);
  }
  const bytes = Buffer.allocUnsafe(list.length * 2);
  for (let i = 0; i < list.length; i++) bytes.writeUInt16BE(list[i]!, i * 2);
  const text = iconv.decode(bytes, encoding);
  const cps = Array.from(text, (ch) => ch.codePointAt(0)!);
  if (cps.length === list.length) {
    for (let i = 0; i < list.length; i++)
      if (cps[i] !== 0xfffd && !isSurrogate(cps[i]!)) pairs[list[i]!] = cps[i]!;
  } else {
    // A pair decoded to something other than one character: fall back to one call per pair.
    for (const code of list) {
      const s = iconv.decode(Buffer.of(code >> 8, code & 0xff), encoding);
      const cp = s.codePointAt(0)!;
      if (s.length === (cp > 0xffff ? 2 : 1) && cp !== 0xfffd && !isSurrogate(cp)) pairs[code] = cp;
    }
  }
  const single = (b: number): number => {
    const s = iconv.decode(Buffer.of(b), encoding);
    return s.length === 1 && s !== '\ufffd' ? s.charCodeAt(0) : 0;
  };
  let four: Uint16Array | undefined;
  if (encoding === 'gb18030') {
    four = new Uint16Array(FOUR_BYTE_BMP_COUNT);
    const seq = Buffer.allocUnsafe(FOUR_BYTE_BMP_COUNT * 4);
    let n = 0;
    for (let b1 = 0x81; b1 <= 0x84; b1++)
      for (let b2 = 0x30; b2 <= 0x39; b2++)
        for (let b3 = 0x81; b3 <= 0xfe; b3++)
          for (let b4 = 0x30; b4 <= 0x39; b4++) {
            if (n >= FOUR_BYTE_BMP_COUNT) break;
            seq[n * 4] = b1;
            seq[n * 4 + 1] = b2;
            seq[n * 4 + 2] = b3;
            seq[n * 4 + 3] = b4;
            n++;
          }
    const decoded = iconv.decode(seq, 'gb18030');
    if (decoded.length !== FOUR_BYTE_BMP_COUNT)
      throw new Error('iconv-lite GB18030 four-byte table has an unexpected shape');
    for (let i = 0; i < FOUR_BYTE_BMP_COUNT; i++) {
      const c = decoded.charCodeAt(i);
      // U+FFFD is encoded as 0x8431A437; anywhere else it means "unmapped".
      four[i] = (c === 0xfffd && i !== fourByteIndex(0x84, 0x31, 0xa4, 0x37)) || isSurrogate(c) ? 0 : c;
    }
  }
  const tables: GbTables = { pairs, single80: single(0x80), singleFF: single(0xff), four };
  cache.set(encoding, tables);
  return tables;
}

/** Decoded text never holds a lone surrogate (the diff's row codec relies on it). */
function isSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdfff;
}
