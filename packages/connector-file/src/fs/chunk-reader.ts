// Sequential reader of length-prefixed records: keeps a window of the file in memory and hands out
// (buffer, offset) pairs, so records are parsed in place without a copy per record.
import { closeSync, openSync, readSync } from 'node:fs';

export class ChunkReader {
  private fd: number;
  private buf: Buffer;
  /** Start of unread data in `buf`. */
  pos = 0;
  private end = 0;
  private eof = false;
  /** File offset of `buf[0]`. */
  private base = 0;

  constructor(path: string, chunkSize = 1 << 20) {
    this.fd = openSync(path, 'r');
    this.buf = Buffer.allocUnsafe(chunkSize);
  }

  /** Makes at least `n` bytes available from {@link pos}; false when the file ends first. */
  ensure(n: number): boolean {
    if (this.end - this.pos >= n) return true;
    if (this.eof) return false;
    // Move the unread tail to the front (or grow for a record larger than the window), then refill.
    const rest = this.end - this.pos;
    if (n > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
      this.buf.copy(bigger, 0, this.pos, this.end);
      this.buf = bigger;
    } else if (rest > 0) {
      this.buf.copy(this.buf, 0, this.pos, this.end);
    }
    this.base += this.pos;
    this.pos = 0;
    this.end = rest;
    while (this.end < n && !this.eof) {
      const r = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
      if (r === 0) this.eof = true;
      this.end += r;
    }
    return this.end - this.pos >= n;
  }

  get buffer(): Buffer {
    return this.buf;
  }

  /** Absolute file offset of {@link pos}. */
  get fileOffset(): number {
    return this.base + this.pos;
  }

  /** True when every byte has been consumed. */
  atEnd(): boolean {
    return !this.ensure(1);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
