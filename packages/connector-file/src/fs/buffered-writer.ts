// Sequential binary writer over a file descriptor with one reusable buffer. Writes are synchronous:
// the work files live on local disk and are written and read back in one pass, so a blocking write of
// a full buffer costs less than the promise machinery of a stream per record.
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

export class BufferedWriter {
  readonly path: string;
  private fd: number;
  private buf: Buffer;
  private fill = 0;
  /** Bytes written so far (buffered included). */
  bytes = 0;

  constructor(path: string, bufferSize = 1 << 20) {
    this.path = path;
    this.fd = openSync(path, 'w');
    this.buf = Buffer.allocUnsafe(bufferSize);
  }

  /** Returns a buffer and an offset with at least `n` free bytes; call {@link commit} after filling them. */
  reserve(n: number): Buffer {
    if (this.fill + n > this.buf.length) {
      this.flush();
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
    }
    return this.buf;
  }

  get offset(): number {
    return this.fill;
  }

  commit(n: number): void {
    this.fill += n;
    this.bytes += n;
  }

  writeBytes(data: Uint8Array): void {
    const b = this.reserve(data.length);
    b.set(data, this.fill);
    this.commit(data.length);
  }

  writeString(text: string): void {
    const n = Buffer.byteLength(text, 'utf8');
    const b = this.reserve(n);
    b.write(text, this.fill, 'utf8');
    this.commit(n);
  }

  flush(): void {
    let off = 0;
    while (off < this.fill) off += writeSync(this.fd, this.buf, off, this.fill - off);
    this.fill = 0;
  }

  /** Flushes, optionally fsyncs, and closes. */
  close(sync = false): void {
    if (this.fd < 0) return;
    this.flush();
    if (sync) fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}
