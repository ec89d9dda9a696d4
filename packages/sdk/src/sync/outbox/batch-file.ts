// One sealed batch on disk: a short JSON description, then the envelope frame, written in one atomic rename.
import { createHash } from 'node:crypto';
import { FerryError } from '../../errors/index.js';

const MAGIC = Buffer.from('FERRY-OUTBOX-1\n', 'ascii');

/** What the outbox knows of a stored batch without reading its frame. */
export interface BatchMeta {
  resource: string;
  epoch: number;
  seq: number;
  envelopeId: string;
  /** Rows (changes) in the batch. */
  rows: number;
  /** The source cursor this batch advances to. */
  cursor: string | null;
  /** Snapshot framing of the batch, if any. */
  snapshot: 'begin' | 'continue' | 'end' | null;
  /** When the batch was sealed (ms). */
  createdAt: number;
  /** SHA-256 hex of the frame, to detect disk corruption. */
  sha256: string;
  /** Frame length in bytes. */
  frameBytes: number;
}

/** The head of a batch file (magic, length, JSON description) for `frame`, and the description itself. */
export function encodeBatchHead(
  meta: Omit<BatchMeta, 'sha256' | 'frameBytes'>,
  frame: Uint8Array,
): { head: Buffer; meta: BatchMeta } {
  const full: BatchMeta = {
    ...meta,
    sha256: createHash('sha256').update(frame).digest('hex'),
    frameBytes: frame.length,
  };
  const json = Buffer.from(JSON.stringify(full), 'utf8');
  const head = Buffer.allocUnsafe(MAGIC.length + 4 + json.length);
  MAGIC.copy(head, 0);
  head.writeUInt32BE(json.length, MAGIC.length);
  json.copy(head, MAGIC.length + 4);
  return { head, meta: full };
}

/** A whole batch file: its head, then the frame. */
export function encodeBatchFile(meta: Omit<BatchMeta, 'sha256' | 'frameBytes'>, frame: Uint8Array): Buffer {
  return Buffer.concat([encodeBatchHead(meta, frame).head, frame]);
}

export function decodeBatchMeta(head: Buffer, file: string): { meta: BatchMeta; frameOffset: number } {
  if (head.length < MAGIC.length + 4 || !head.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new FerryError('FERRY_OUTBOX_CORRUPT', `Outbox batch file ${file} has no valid header`, {
      location: { file },
    });
  }
  const len = head.readUInt32BE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (head.length < start + len) {
    throw new FerryError('FERRY_OUTBOX_CORRUPT', `Outbox batch file ${file} is truncated`, {
      location: { file },
    });
  }
  try {
    return {
      meta: JSON.parse(head.subarray(start, start + len).toString('utf8')) as BatchMeta,
      frameOffset: start + len,
    };
  } catch (cause) {
    throw new FerryError('FERRY_OUTBOX_CORRUPT', `Outbox batch file ${file} has an unreadable header`, {
      cause,
      location: { file },
    });
  }
}

export function checkFrame(meta: BatchMeta, frame: Buffer, file: string): void {
  if (frame.length !== meta.frameBytes || createHash('sha256').update(frame).digest('hex') !== meta.sha256) {
    throw new FerryError('FERRY_OUTBOX_CORRUPT', `Outbox batch file ${file} does not match its checksum`, {
      location: { file },
    });
  }
}
