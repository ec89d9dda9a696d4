// Reads exact byte counts from an async chunk source without copying more than one partial chunk.
import { FerryError } from '../errors/index.js';

export class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private done = false;
  /** Bytes handed out so far: the offset of the next byte. */
  offset = 0;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.iterator =
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
        : (async function* () {
            yield* source as Iterable<Uint8Array>;
          })();
  }

  private async fill(n: number): Promise<boolean> {
    while (this.buffered < n && !this.done) {
      const next = await this.iterator.next();
      if (next.done) {
        this.done = true;
        break;
      }
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      if (chunk.length) {
        this.chunks.push(chunk);
        this.buffered += chunk.length;
      }
    }
    return this.buffered >= n;
  }

  /** Exactly `n` bytes, or a FERRY_ENVELOPE_TRUNCATED error naming `what`. */
  async read(n: number, what: string): Promise<Buffer> {
    if (!(await this.fill(n))) {
      throw new FerryError('FERRY_ENVELOPE_TRUNCATED', `The frame ends inside ${what}`, {
        location: { offset: this.offset + this.buffered },
      });
    }
    let out: Buffer;
    const first = this.chunks[0]!;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const chunk = this.chunks[0]!;
        const take = Math.min(chunk.length, n - filled);
        chunk.copy(out, filled, 0, take);
        filled += take;
        if (take === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(take);
      }
    }
    this.buffered -= n;
    this.offset += n;
    return out;
  }

  /** True when the source holds no further byte. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /** Stops reading the source (lets it release resources). */
  async close(): Promise<void> {
    await this.iterator.return?.();
  }
}
