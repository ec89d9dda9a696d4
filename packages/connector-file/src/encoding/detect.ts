// Encoding detection for the exports Ferry meets: UTF-8 (with or without BOM) or the GB family. A
// statistical detector (chardet, jschardet) weighs Big5, Shift_JIS, EUC-KR and single-byte code pages
// too and can guess wrong on a short sample; here the question is only "valid UTF-8 or not", which a
// strict check answers exactly (GBK text is almost never valid UTF-8: 联通 C1 AA is an overlong lead).
import { isUtf8 } from 'node:buffer';
import type { FileEncoding } from './decoder.js';
import { utf8CompleteLength } from './utf8-decoder.js';

/** What {@link detectEncoding} found. `undecided` means the sample had no non-ASCII byte. */
export type DetectedEncoding = FileEncoding | 'utf-16' | 'undecided';

/**
 * Detects the encoding of a sample taken from the start of a file (or from the first non-ASCII byte on).
 * A UTF-8 BOM means UTF-8; a UTF-16 BOM is reported so the file can be refused with a clear reason;
 * otherwise bytes that are strictly valid UTF-8 mean UTF-8 and anything else GB18030 (a superset of GBK).
 *
 * @param sample - bytes from the file
 * @param complete - true when the sample is the whole file (a split character at its end is then invalid)
 *
 * @example
 * ```ts
 * detectEncoding(Buffer.from('编号,姓名', 'utf8')); // 'utf-8'
 * detectEncoding(iconv.encode('编号,姓名', 'gbk')); // 'gb18030'
 * ```
 */
export function detectEncoding(sample: Uint8Array, complete = false): DetectedEncoding {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8';
  if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff))
    return 'utf-16';
  let first = -1;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i]! >= 0x80) {
      first = i;
      break;
    }
  }
  if (first < 0) return 'undecided';
  const window = sample.subarray(first);
  const body = complete ? window : window.subarray(0, utf8CompleteLength(window));
  return isUtf8(body) ? 'utf-8' : 'gb18030';
}
