// The compact diff state of a resource: for every key of the last export, its key hash, row hash and key
// text (to send a delete once the key is gone), sorted by (key hash, key text). About 40 bytes plus the
// key per row, never the old file. The header doubles as the processing record of the export that made it,
// so one rename commits both.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { FerryError } from '@ferry/sdk/errors';
import { BufferedWriter } from '../fs/buffered-writer.js';
import { copyBytes } from '../fs/bytes.js';
import { ChunkReader } from '../fs/chunk-reader.js';

const MAGIC = Buffer.from('FRYSTAT1');
const END = Buffer.from('FRYSTEND');

/** What the state file records about itself and the export it was made from. */
export interface StateHeader {
  version: 1;
  resource: string;
  /** Increases by one with every processed export. */
  generation: number;
  /** Hash of the configuration parts that shape rows; a change forces a resnapshot. */
  fingerprint: string;
  mode: 'snapshot' | 'append';
  keyNames: string[];
  /** The export this state was made from. */
  source?: { file: string; sha256: string; rows: number; processedAt: string };
}

export class StateWriter {
  private readonly w: BufferedWriter;
  entries = 0;

  constructor(path: string, header: StateHeader) {
    this.w = new BufferedWriter(path);
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const head = Buffer.allocUnsafe(12);
    MAGIC.copy(head, 0);
    head.writeUInt32LE(json.length, 8);
    this.w.writeBytes(head);
    this.w.writeBytes(json);
  }

  /** Adds an entry: key hash and row hash (16 bytes each at `hashOff` in `src`) and key bytes. */
  add(
    src: Buffer,
    keyHashOff: number,
    rowHashOff: number,
    key: Buffer,
    keyOff: number,
    keyLen: number,
  ): void {
    const buf = this.w.reserve(36 + keyLen);
    const off = this.w.offset;
    copyBytes(src, keyHashOff, buf, off, 16);
    copyBytes(src, rowHashOff, buf, off + 16, 16);
    buf.writeUInt32LE(keyLen, off + 32);
    copyBytes(key, keyOff, buf, off + 36, keyLen);
    this.w.commit(36 + keyLen);
    this.entries++;
  }

  /** Writes the footer, fsyncs and closes; the caller renames the file into place. */
  close(): void {
    const foot = Buffer.allocUnsafe(16);
    foot.writeUInt32LE(this.entries % 2 ** 32, 0);
    foot.writeUInt32LE(Math.floor(this.entries / 2 ** 32), 4);
    END.copy(foot, 8);
    this.w.writeBytes(foot);
    this.w.close(true);
  }
}

/** Reads and checks the header and footer of a state file; undefined when there is none. */
export function readStateHeader(
  path: string,
): { header: StateHeader; entries: number; dataStart: number; dataEnd: number } | undefined {
  if (!existsSync(path)) return undefined;
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    const foot = Buffer.alloc(16);
    if (size >= 28) readSync(fd, foot, 0, 16, size - 16);
    if (size < 28 || !head.subarray(0, 8).equals(MAGIC) || !foot.subarray(8).equals(END)) {
      throw new FerryError('FERRY_FILE_STATE', `${path} is not a complete Ferry state file`, {
        location: { file: path },
      });
    }
    const len = head.readUInt32LE(8);
    const json = Buffer.alloc(len);
    readSync(fd, json, 0, len, 12);
    const header = JSON.parse(json.toString('utf8')) as StateHeader;
    return {
      header,
      entries: foot.readUInt32LE(0) + foot.readUInt32LE(4) * 2 ** 32,
      dataStart: 12 + len,
      dataEnd: size - 16,
    };
  } finally {
    closeSync(fd);
  }
}

/** Sequential reader of state entries; {@link off} points at the current entry in {@link buf}. */
export class StateReader {
  private readonly r: ChunkReader;
  private remaining: number;
  /** Offset of the current entry in {@link buf}, valid while {@link has} is true. */
  off = 0;
  has = false;

  constructor(path: string) {
    const info = readStateHeader(path);
    if (!info) throw new FerryError('FERRY_FILE_STATE', `${path} does not exist`);
    this.r = new ChunkReader(path);
    this.r.ensure(info.dataStart);
    this.r.pos = info.dataStart;
    this.remaining = info.entries;
    this.next();
  }

  get buf(): Buffer {
    return this.r.buffer;
  }

  /** Length of the current entry's key text. */
  get keyLen(): number {
    return this.r.buffer.readUInt32LE(this.off + 32);
  }

  /** Moves to the next entry. */
  next(): void {
    if (this.has) this.r.pos = this.off + 36 + this.keyLen;
    if (this.remaining === 0) {
      this.has = false;
      return;
    }
    if (!this.r.ensure(36) || !this.r.ensure(36 + this.r.buffer.readUInt32LE(this.r.pos + 32))) {
      throw new FerryError('FERRY_FILE_STATE', 'the state file ends before its last entry');
    }
    this.off = this.r.pos;
    this.has = true;
    this.remaining--;
  }

  close(): void {
    this.r.close();
  }
}
