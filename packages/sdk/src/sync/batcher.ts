// Groups changes into batches closed by rows, bytes or age, whichever comes first.
import { type Change, encodeChangeLine, encodeChanges } from '../changes/index.js';

/** Limits that close a batch. */
export interface BatcherOptions {
  /** Default 10,000 changes (an envelope's fixed costs, some 6 ms of CPU between sender and hub, are then a small part of its rows'). */
  maxRows?: number;
  /** Encoded bytes; default 4 MiB. */
  maxBytes?: number;
  /** Oldest change's age; default 1,000 ms. */
  maxAgeMs?: number;
}

/** Changes encoded at once by {@link Batcher.add}: bounds the memory of one very large call. */
const ENCODE_SLICE = 4096;

/** A closed batch: its changes already encoded, and the cursor of the last change added. */
export interface ClosedBatch {
  resource: string;
  content: Uint8Array;
  rows: number;
  cursor: string | undefined;
}

interface Open {
  /** NDJSON lines, as slices of the buffers the changes were encoded into (adjacent lines merged). */
  parts: Uint8Array[];
  bytes: number;
  rows: number;
  cursor: string | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Accumulates changes per resource and hands each closed batch to `flush`. `add` waits for the flush it
 * triggers, so a slow outbox slows producers down instead of growing memory.
 *
 * @example
 * ```ts
 * const batcher = new Batcher((batch) => outbox.append(...), { maxRows: 500, maxAgeMs: 200 });
 * await batcher.add('371/000001', changes);
 * await batcher.close(); // flushes what is left
 * ```
 */
export class Batcher {
  private readonly open = new Map<string, Open>();
  private readonly limits: Required<BatcherOptions>;
  private flushing: Promise<unknown> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly flushBatch: (batch: ClosedBatch) => Promise<void>,
    options: BatcherOptions = {},
  ) {
    this.limits = {
      maxRows: options.maxRows ?? 10_000,
      maxBytes: options.maxBytes ?? 4 << 20,
      maxAgeMs: options.maxAgeMs ?? 1000,
    };
  }

  /**
   * Adds changes; resolves once any batch they closed is flushed. When a change cannot be encoded, the
   * changes before it are added and the call fails with `FERRY_INVALID_ARGUMENT` naming it (`changes[i]`).
   */
  async add(resource: string, changes: readonly Change[], cursor?: string): Promise<void> {
    if (this.failure) throw this.failure;
    // Encoded a slice at a time straight into UTF-8 bytes, then cut into lines at the newlines (a newline
    // byte never occurs inside an encoded line): no string per change, no copy when a slice is a batch.
    const slice = Math.max(1, Math.min(this.limits.maxRows, ENCODE_SLICE));
    for (let offset = 0; offset < changes.length; offset += slice) {
      const part = offset === 0 && changes.length <= slice ? changes : changes.slice(offset, offset + slice);
      let encoded: Uint8Array;
      let failed: unknown;
      try {
        encoded = encodeChanges(part);
      } catch {
        // Find the change at fault (with its index in this call) and keep the ones before it.
        let good = 0;
        for (; good < part.length; good++) {
          try {
            encodeChangeLine(part[good]!, offset + good);
          } catch (err) {
            failed = err;
            break;
          }
        }
        encoded = encodeChanges(part.slice(0, good));
      }
      await this.addLines(resource, encoded, failed === undefined ? part.length : encodedLines(encoded));
      if (failed !== undefined) throw failed;
    }
    const batch = this.open.get(resource);
    if (batch && cursor !== undefined) batch.cursor = cursor;
    if (batch && (batch.rows >= this.limits.maxRows || batch.bytes >= this.limits.maxBytes))
      await this.flush(resource);
  }

  // Adds the `lines` NDJSON lines of `encoded` to the open batch, closing batches at the limits.
  private async addLines(resource: string, encoded: Uint8Array, lines: number): Promise<void> {
    const bytes = Buffer.isBuffer(encoded)
      ? encoded
      : Buffer.from(encoded.buffer, encoded.byteOffset, encoded.length);
    let start = 0;
    while (start < bytes.length) {
      let batch = this.open.get(resource);
      // Lines this batch may still take: up to the row limit, and while they fit in its byte budget (the
      // first line of a batch always goes in, however long).
      let end = start;
      let rows = 0;
      const rowRoom = batch ? this.limits.maxRows - batch.rows : Math.max(1, this.limits.maxRows);
      const byteRoom = batch ? this.limits.maxBytes - batch.bytes : this.limits.maxBytes;
      if (lines <= rowRoom && bytes.length - start <= byteRoom) {
        // Everything left fits (the usual case: a page of changes is a batch): no need to find the lines.
        end = bytes.length;
        rows = lines;
      }
      while (rows < rowRoom && end < bytes.length) {
        const next = bytes.indexOf(10, end) + 1 || bytes.length;
        if (next - start > byteRoom && (rows > 0 || (batch && batch.rows > 0))) break;
        end = next;
        rows++;
      }
      if (rows === 0) {
        await this.flush(resource);
        continue;
      }
      if (!batch) {
        batch = { parts: [], bytes: 0, rows: 0, cursor: undefined, timer: undefined };
        batch.timer = setTimeout(() => {
          this.flush(resource).catch((err) => {
            this.failure = err;
          });
        }, this.limits.maxAgeMs);
        batch.timer.unref?.();
        this.open.set(resource, batch);
      }
      batch.parts.push(bytes.subarray(start, end));
      batch.bytes += end - start;
      batch.rows += rows;
      lines -= rows;
      start = end;
      if (start < bytes.length) await this.flush(resource);
    }
  }

  /** Closes and flushes the open batch of one resource, or of all. */
  async flush(resource?: string): Promise<void> {
    const names = resource === undefined ? [...this.open.keys()] : [resource];
    for (const name of names) {
      const batch = this.open.get(name);
      if (!batch) continue;
      this.open.delete(name);
      if (batch.timer) clearTimeout(batch.timer);
      const closed: ClosedBatch = {
        resource: name,
        content: batch.parts.length === 1 ? batch.parts[0]! : Buffer.concat(batch.parts),
        rows: batch.rows,
        cursor: batch.cursor,
      };
      // Flushes run one at a time, in order, so seq order follows add order.
      const run = this.flushing.then(() => this.flushBatch(closed));
      this.flushing = run.catch(() => {});
      await run;
    }
  }

  /** Flushes everything and stops the age timers. */
  async close(): Promise<void> {
    await this.flush();
    await this.flushing;
    if (this.failure) throw this.failure;
  }
}

/** Lines (changes) in NDJSON bytes. */
function encodedLines(bytes: Uint8Array): number {
  let n = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) n++;
  return n;
}
