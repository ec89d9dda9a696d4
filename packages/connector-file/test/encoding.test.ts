import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { createDecoder } from '../src/encoding/auto-decoder.js';
import type { ByteDecoder } from '../src/encoding/decoder.js';
import { detectEncoding } from '../src/index.js';

/** Feeds `bytes` in pieces of `step` bytes and returns the decoded text. */
function decodeAll(decoder: ByteDecoder, bytes: Buffer, step = bytes.length): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += step) text += decoder.write(bytes.subarray(i, i + step));
  return text + decoder.end();
}

function decodeError(fn: () => unknown): { code: string; offset: number | undefined } {
  try {
    fn();
  } catch (err) {
    const e = err as { code: string; location?: { offset?: number } };
    return { code: e.code, offset: e.location?.offset };
  }
  throw new Error('expected a decode error');
}

// 𠀀 (U+20000, CJK Ext B) and 㐀 (U+3400, Ext A) are four-byte sequences in GB18030: the 生僻字 of names.
const TEXT = '编号,姓名,地址\r\n1,张三,北京市朝阳区"东门"\r\n2,李㐀𠀀,€ 100\r\n';

describe('encoding detection', () => {
  it('detects UTF-8 with and without BOM, GBK bytes as GB18030, and refuses UTF-16', () => {
    expect(detectEncoding(Buffer.from('id,名字', 'utf8'))).toBe('utf-8');
    expect(detectEncoding(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a')]))).toBe('utf-8');
    expect(detectEncoding(iconv.encode('编号,姓名', 'gbk'))).toBe('gb18030');
    // 联通 in GBK (C1 AA CD A8) is the classic false UTF-8 guess; strict validation rejects the C1 lead.
    expect(detectEncoding(iconv.encode('联通', 'gbk'))).toBe('gb18030');
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toBe('utf-16');
    expect(detectEncoding(Buffer.from('plain ascii'))).toBe('undecided');
  });
});

describe('decoders', () => {
  const utf8 = Buffer.from(TEXT, 'utf8');
  const gb = iconv.encode(TEXT, 'gb18030');

  it('decodes UTF-8 with a BOM and GB18030 four-byte characters, whatever the chunking', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    for (const step of [1, 2, 3, 5, 7, 1 << 20]) {
      expect(decodeAll(createDecoder('utf-8', 'f'), withBom, step)).toBe(TEXT);
      expect(decodeAll(createDecoder('auto', 'f'), withBom, step)).toBe(TEXT);
      expect(decodeAll(createDecoder('gb18030', 'f'), gb, step)).toBe(TEXT);
      expect(decodeAll(createDecoder('auto', 'f'), gb, step)).toBe(TEXT);
    }
  });

  it('decodes GBK exactly as iconv-lite does, for every two-byte code', () => {
    const codes: number[] = [];
    for (let lead = 0x81; lead <= 0xfe; lead++)
      for (let t = 0x40; t <= 0xfe; t++) if (t !== 0x7f) codes.push(lead, t);
    const all = Buffer.from(codes);
    const expected = iconv.decode(all, 'gbk');
    // Unmapped codes make iconv-lite print U+FFFD; keep only mapped ones for the comparison.
    const mapped: number[] = [];
    for (let i = 0; i < codes.length; i += 2) {
      if (iconv.decode(Buffer.from([codes[i]!, codes[i + 1]!]), 'gbk') !== '\ufffd')
        mapped.push(codes[i]!, codes[i + 1]!);
    }
    const bytes = Buffer.from(mapped);
    expect(decodeAll(createDecoder('gbk', 'f'), bytes, 4093)).toBe(iconv.decode(bytes, 'gbk'));
    expect(expected.length).toBeGreaterThan(20000);
  });

  it('reports the byte offset of the first bad byte', () => {
    const badUtf8 = Buffer.concat([Buffer.from('abc,中文\n', 'utf8'), Buffer.from([0xff]), Buffer.from('x')]);
    expect(decodeError(() => decodeAll(createDecoder('utf-8', 'f'), badUtf8, 3))).toEqual({
      code: 'FERRY_FILE_DECODE',
      offset: 11,
    });
    // A GBK lead byte followed by a space is not a character.
    const badGbk = Buffer.concat([iconv.encode('编号,姓名\n', 'gbk'), Buffer.from([0xd6, 0x20])]);
    expect(decodeError(() => decodeAll(createDecoder('gbk', 'f'), badGbk, 2))).toEqual({
      code: 'FERRY_FILE_DECODE',
      offset: 10,
    });
    // A four-byte GB18030 sequence is not GBK.
    const fourInGbk = iconv.encode('a㐀', 'gb18030');
    expect(decodeError(() => decodeAll(createDecoder('gbk', 'f'), fourInGbk))).toEqual({
      code: 'FERRY_FILE_DECODE',
      offset: 1,
    });
    // A file cut inside a character.
    const cut = iconv.encode('编号', 'gbk').subarray(0, 3);
    expect(decodeError(() => decodeAll(createDecoder('gb18030', 'f'), cut))).toEqual({
      code: 'FERRY_FILE_DECODE',
      offset: 2,
    });
    // auto: decided GB18030 from the first non-ASCII bytes, then a bad byte far later.
    const late = Buffer.concat([
      iconv.encode(`${'a'.repeat(5000)}编号${'b'.repeat(5000)}`, 'gbk'),
      Buffer.from([0x81, 0x7f]),
    ]);
    expect(decodeError(() => decodeAll(createDecoder('auto', 'f'), late, 1000))).toEqual({
      code: 'FERRY_FILE_DECODE',
      offset: 10004,
    });
  });
});
