// A durable sink for crash tests: one NDJSON line per batch (cursor and changes together), appended and
// fsynced. A line cut short by kill -9 is ignored, and cut off before the next append (else the next line
// would be glued to it), so a batch is in the sink whole or not at all.
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { type Change, decodeChanges, encodeChanges } from '@ferry/sdk/changes';
import type { ChangeBatch, ChangeSink } from '@ferry/sdk/connector';

export interface StoredBatch {
  resource: string;
  cursor: string;
  snapshot?: string;
  changes: Change[];
}

export class FileSink implements ChangeSink {
  constructor(readonly path: string) {}

  async write(batch: ChangeBatch): Promise<void> {
    const line = `${JSON.stringify({
      resource: batch.resource,
      cursor: batch.cursor,
      snapshot: batch.snapshot,
      changes: Buffer.from(encodeChanges(batch.changes)).toString('utf8'),
    })}\n`;
    const fd = openSync(this.path, 'a+');
    try {
      cutTornTail(fd);
      writeSync(fd, line);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  async cursor(resource: string): Promise<string | undefined> {
    const all = readBatches(this.path).filter((b) => b.resource === resource);
    return all[all.length - 1]?.cursor;
  }
}

/** Truncates the file after its last newline: what follows it is a line a crash cut short. */
function cutTornTail(fd: number): void {
  const size = fstatSync(fd).size;
  const tail = Buffer.alloc(Math.min(size, 1 << 20));
  let end = size;
  while (end > 0) {
    const from = Math.max(0, end - tail.length);
    const n = readSync(fd, tail, 0, end - from, from);
    const at = tail.subarray(0, n).lastIndexOf(0x0a);
    if (at >= 0) {
      end = from + at + 1;
      break;
    }
    end = from;
  }
  if (end < size) {
    ftruncateSync(fd, end);
    fsyncSync(fd);
  }
}

/** Complete batches in the file, in order (a torn last line is dropped). */
export function readBatches(path: string): StoredBatch[] {
  if (!existsSync(path)) return [];
  const out: StoredBatch[] = [];
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  // The last element is '' after a complete final line, or a torn line.
  for (const line of lines.slice(0, -1)) {
    const raw = JSON.parse(line) as { resource: string; cursor: string; snapshot?: string; changes: string };
    out.push({ ...raw, changes: decodeChanges(Buffer.from(raw.changes, 'utf8')) });
  }
  return out;
}
