// `encoding: auto`: ASCII passes through until the first non-ASCII bytes, which decide (detect.ts). Both
// candidate encodings are ASCII supersets, so nothing decoded before the decision changes meaning.
import { isAscii } from 'node:buffer';
import { type ByteDecoder, decodeError, type FileEncoding } from './decoder.js';
import { detectEncoding } from './detect.js';
import { GbDecoder } from './gb-decoder.js';
import { Utf8Decoder } from './utf8-decoder.js';

/** Non-ASCII bytes to look at before deciding, unless the file ends first. */
const DECISION_WINDOW = 4096;

export class AutoDecoder implements ByteDecoder {
  private inner: ByteDecoder | undefined;
  private pending: Buffer | undefined;
  private offset = 0;

  constructor(private readonly file: string) {}

  get encoding(): FileEncoding | undefined {
    return this.inner?.encoding;
  }

  write(chunk: Buffer): string {
    if (this.inner) return this.inner.write(chunk);
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    if (this.offset === 0 && buf.length < 3 && !isAscii(buf)) {
      this.pending = Buffer.from(buf);
      return '';
    }
    if (this.offset === 0 && isBom(buf)) return this.decide(buf, false);
    if (isAscii(buf)) {
      this.offset += buf.length;
      return buf.toString('latin1');
    }
    let first = 0;
    while (buf[first]! < 0x80) first++;
    if (buf.length - first < DECISION_WINDOW) {
      // Too few non-ASCII bytes to judge: hand out the ASCII prefix and wait for more.
      this.pending = Buffer.from(buf.subarray(first));
      this.offset += first;
      return buf.toString('latin1', 0, first);
    }
    return this.decide(buf, false);
  }

  end(): string {
    if (this.inner) return this.inner.end();
    const rest = this.pending ?? Buffer.alloc(0);
    this.pending = undefined;
    if (rest.length === 0) return '';
    const out = this.decide(rest, true);
    return out + (this.inner ? (this.inner as ByteDecoder).end() : '');
  }

  private decide(buf: Buffer, complete: boolean): string {
    const found = detectEncoding(buf, complete);
    if (found === 'utf-16') {
      throw decodeError(
        this.file,
        'utf-8 or gb18030',
        this.offset,
        buf,
        'UTF-16 is not supported: export as UTF-8 or GBK',
      );
    }
    this.inner =
      found === 'gb18030'
        ? new GbDecoder('gb18030', this.file, this.offset)
        : new Utf8Decoder(this.file, this.offset);
    return this.inner.write(buf);
  }
}

function isBom(buf: Buffer): boolean {
  return (
    (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) ||
    (buf[0] === 0xff && buf[1] === 0xfe) ||
    (buf[0] === 0xfe && buf[1] === 0xff)
  );
}

/** Creates the decoder for a configured encoding. */
export function createDecoder(encoding: FileEncoding | 'auto', file: string): ByteDecoder {
  if (encoding === 'auto') return new AutoDecoder(file);
  if (encoding === 'utf-8') return new Utf8Decoder(file);
  return new GbDecoder(encoding, file);
}
