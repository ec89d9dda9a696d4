// The changes of one export in the order they are sent, written before the first one is: an upsert holds
// the row's cells, a delete the key text. Sending resumes from any offset after a crash, and the file is
// only ever read sequentially.
import { FerryError } from '@ferry/sdk/errors';
import { BufferedWriter } from '../fs/buffered-writer.js';
import { copyBytes } from '../fs/bytes.js';
import { ChunkReader } from '../fs/chunk-reader.js';

export const UPSERT = 0x55; // 'U'
export const DELETE = 0x44; // 'D'
const END = Buffer.from('FRYSPEND');

/** Entry: op (u8) | line (u32) | length (u32) | bytes (UTF-16 payload for an upsert, UTF-8 key text for a delete). */
export class SpoolWriter {
  private readonly w: BufferedWriter;
  count = 0;

  constructor(path: string) {
    this.w = new BufferedWriter(path);
  }

  add(op: number, line: number, src: Buffer, off: number, len: number): void {
    const buf = this.w.reserve(9 + len);
    const o = this.w.offset;
    buf[o] = op;
    buf.writeUInt32LE(line, o + 1);
    buf.writeUInt32LE(len, o + 5);
    copyBytes(src, off, buf, o + 9, len);
    this.w.commit(9 + len);
    this.count++;
  }

  close(): void {
    const foot = Buffer.allocUnsafe(16);
    foot.writeUInt32LE(this.count % 2 ** 32, 0);
    foot.writeUInt32LE(Math.floor(this.count / 2 ** 32), 4);
    END.copy(foot, 8);
    this.w.writeBytes(foot);
    this.w.close(true);
  }
}

export class SpoolReader {
  private readonly r: ChunkReader;
  private left: number;

  constructor(path: string, count: number) {
    this.r = new ChunkReader(path);
    this.left = count;
  }

  /** The current entry's op ({@link UPSERT} or {@link DELETE}), line and text, set by {@link next}. */
  op = 0;
  line = 0;
  text = '';

  /** Moves to the next entry; false after the last. */
  next(): boolean {
    if (this.left === 0) return false;
    if (!this.r.ensure(9) || !this.r.ensure(9 + this.r.buffer.readUInt32LE(this.r.pos + 5))) {
      throw new FerryError('FERRY_FILE_STATE', 'the change spool ends early');
    }
    const b = this.r.buffer;
    const p = this.r.pos;
    const len = b.readUInt32LE(p + 5);
    this.op = b[p]!;
    this.line = b.readUInt32LE(p + 1);
    this.text =
      this.op === UPSERT ? b.toString('utf16le', p + 9, p + 9 + len) : b.toString('utf8', p + 9, p + 9 + len);
    this.r.pos = p + 9 + len;
    this.left--;
    return true;
  }

  /** Skips `n` entries without decoding them. */
  skip(n: number): void {
    for (let i = 0; i < n && this.left > 0; i++) {
      if (!this.r.ensure(9) || !this.r.ensure(9 + this.r.buffer.readUInt32LE(this.r.pos + 5))) {
        throw new FerryError('FERRY_FILE_STATE', 'the change spool ends early');
      }
      this.r.pos += 9 + this.r.buffer.readUInt32LE(this.r.pos + 5);
      this.left--;
    }
  }

  close(): void {
    this.r.close();
  }
}
