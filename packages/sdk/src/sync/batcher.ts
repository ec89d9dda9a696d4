// Groups changes into batches closed by rows, bytes or age, whichever comes first.
import { type Change, encodeChangeLine } from '../changes/index.js';

/** Limits that close a batch. */
export interface BatcherOptions {
  /** Default 1,000 changes. */
  maxRows?: number;
  /** Encoded bytes; default 1 MiB. */
  maxBytes?: number;
  /** Oldest change's age; default 1,000 ms. */
  maxAgeMs?: number;
}

/** A closed batch: its changes already encoded, and the cursor of the last change added. */
export interface ClosedBatch {
  resource: string;
  content: Uint8Array;
  rows: number;
  cursor: string | undefined;
}

interface Open {
  /** NDJSON lines, kept as strings: one Buffer is made per batch, when it closes. */
  lines: string[];
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
      maxRows: options.maxRows ?? 1000,
      maxBytes: options.maxBytes ?? 1 << 20,
      maxAgeMs: options.maxAgeMs ?? 1000,
    };
  }

  /** Adds changes; resolves once any batch they closed is flushed. */
  async add(resource: string, changes: readonly Change[], cursor?: string): Promise<void> {
    if (this.failure) throw this.failure;
    for (let i = 0; i < changes.length; i++) {
      const line = encodeChangeLine(changes[i]!, i);
      const bytes = Buffer.byteLength(line, 'utf8');
      let batch = this.open.get(resource);
      if (batch && (batch.rows + 1 > this.limits.maxRows || batch.bytes + bytes > this.limits.maxBytes)) {
        await this.flush(resource);
        batch = undefined;
      }
      if (!batch) {
        batch = { lines: [], bytes: 0, rows: 0, cursor: undefined, timer: undefined };
        batch.timer = setTimeout(() => {
          this.flush(resource).catch((err) => {
            this.failure = err;
          });
        }, this.limits.maxAgeMs);
        batch.timer.unref?.();
        this.open.set(resource, batch);
      }
      batch.lines.push(line);
      batch.bytes += bytes;
      batch.rows++;
    }
    const batch = this.open.get(resource);
    if (batch && cursor !== undefined) batch.cursor = cursor;
    if (batch && (batch.rows >= this.limits.maxRows || batch.bytes >= this.limits.maxBytes))
      await this.flush(resource);
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
        content: Buffer.from(batch.lines.join(''), 'utf8'),
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
