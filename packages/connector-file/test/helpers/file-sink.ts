// A durable sink for crash tests: one NDJSON line per batch (cursor and changes together), appended and
// fsynced. A line cut short by kill -9 is ignored, so a batch is in the sink whole or not at all.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
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
    const fd = openSync(this.path, 'a');
    try {
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
