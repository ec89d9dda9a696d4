// The changes of one export in the order they are sent, written before the first one is: an upsert holds
// the row's cells, a delete the key text. Sending resumes from any offset after a crash, and the file is
// only ever read sequentially.
import { FerryError } from '@ferry/sdk/errors';
import { BufferedWriter } from '../fs/buffered-writer.js';
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
    src.copy(buf, o + 9, off, off + len);
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

export interface SpoolEntry {
  op: number;
  line: number;
  text: string;
}

export class SpoolReader {
  private readonly r: ChunkReader;
  private left: number;

  constructor(path: string, count: number) {
    this.r = new ChunkReader(path);
    this.left = count;
  }

  /** The next entry, or undefined after the last. */
  next(): SpoolEntry | undefined {
    if (this.left === 0) return undefined;
    if (!this.r.ensure(9) || !this.r.ensure(9 + this.r.buffer.readUInt32LE(this.r.pos + 5))) {
      throw new FerryError('FERRY_FILE_STATE', 'the change spool ends early');
    }
    const b = this.r.buffer;
    const p = this.r.pos;
    const len = b.readUInt32LE(p + 5);
    const op = b[p]!;
    const entry = {
      op,
      line: b.readUInt32LE(p + 1),
      text: b.toString(op === UPSERT ? 'utf16le' : 'utf8', p + 9, p + 9 + len),
    };
    this.r.pos = p + 9 + len;
    this.left--;
    return entry;
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
