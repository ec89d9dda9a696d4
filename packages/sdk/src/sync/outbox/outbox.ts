// The durable outbox: sealed batches wait here, each with the source cursor it advances to, until the hub
// answers with a signed receipt. Plain files (no native module), so it runs wherever Node runs, Windows too.
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FerryError } from '../../errors/index.js';
import { appendLineDurable, syncDirectory, writeFileDurable } from '../durable-fs.js';
import { type BatchMeta, checkFrame, decodeBatchMeta, encodeBatchFile } from './batch-file.js';
import { acquireLock } from './lock.js';

/** Options for {@link Outbox.open}. */
export interface OutboxOptions {
  /** Disk the pending batches may use before producers wait. Default 1 GiB. */
  maxBytes?: number;
  /** How long a producer waits for space before FERRY_OUTBOX_FULL. Default 60 s. */
  fullTimeoutMs?: number;
}

/** A sealed batch waiting for delivery. */
export type PendingBatch = Readonly<BatchMeta> & { readonly file: string; readonly fileBytes: number };

/** Where a stream stands: what was acknowledged, what waits. */
export interface StreamStatus {
  resource: string;
  epoch: number;
  /** Last seq the hub acknowledged in `epoch` (-1 when none). */
  ackedSeq: number;
  pendingBatches: number;
  pendingBytes: number;
  pendingRows: number;
  /** Age in ms of the oldest waiting batch (0 when none). */
  lagMs: number;
  cursor: string | undefined;
}

/** What {@link Outbox.append} asks the caller to seal at the position the outbox assigns. */
export interface AppendRequest {
  resource: string;
  /** Start a new epoch (full resnapshot) with this batch. */
  newEpoch?: boolean;
  snapshot?: 'begin' | 'continue' | 'end';
  /** The source cursor this batch advances to. */
  cursor?: string;
  seal(position: {
    epoch: number;
    seq: number;
  }): Promise<{ frame: Uint8Array; envelopeId: string; rows: number }>;
}

interface StreamState {
  resource: string;
  dir: string;
  epoch: number;
  ackedSeq: number;
  ackedCursor: string | undefined;
  pending: PendingBatch[];
  tail: Promise<unknown>;
}

interface StreamFile {
  resource: string;
  epoch: number;
  ackedSeq: number;
  cursor: string | null;
  updatedAt: number;
}

const streamId = (resource: string) => createHash('sha256').update(resource).digest('hex').slice(0, 32);
const batchName = (epoch: number, seq: number) =>
  `${String(epoch).padStart(10, '0')}-${String(seq).padStart(13, '0')}.batch`;

/**
 * A crash-safe outbox in a directory. Each batch file is written to a temporary name, fsynced and renamed,
 * so a batch and its cursor appear together or not at all; acknowledgements record the receipt before the
 * batch file is removed, so a crash in between only repeats a delivery the hub answers from its records.
 *
 * @example
 * ```ts
 * const outbox = await Outbox.open('/var/lib/ferry/outbox', { maxBytes: 2 ** 30 });
 * await outbox.append({ resource, cursor, seal: ({ epoch, seq }) => sealBatch(epoch, seq) });
 * ```
 */
export class Outbox {
  private readonly streams = new Map<string, StreamState>();
  private totalBytes = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  private constructor(
    readonly dir: string,
    private readonly options: Required<OutboxOptions>,
    private readonly unlock: () => Promise<void>,
  ) {}

  /** Opens (creating if needed) the outbox in `dir`, recovering from any crash of a previous owner. */
  static async open(dir: string, options: OutboxOptions = {}): Promise<Outbox> {
    await mkdir(join(dir, 'streams'), { recursive: true });
    const unlock = await acquireLock(dir);
    const outbox = new Outbox(
      dir,
      { maxBytes: options.maxBytes ?? 2 ** 30, fullTimeoutMs: options.fullTimeoutMs ?? 60_000 },
      unlock,
    );
    try {
      await outbox.recover();
    } catch (err) {
      await unlock();
      throw err;
    }
    return outbox;
  }

  /**
   * The source cursor of every stream in an outbox directory, read without taking the lock and without
   * changing anything, so it works beside the process that owns the outbox (`ferry connector check` next
   * to a running daemon). A batch acknowledged meanwhile may or may not be seen: either way the cursor is
   * one the owner held.
   *
   * @example
   * ```ts
   * const cursors = await Outbox.readCursors('/var/lib/ferry/outbox');
   * console.log(cursors.get('101001/000001'));
   * ```
   */
  static async readCursors(dir: string): Promise<Map<string, string>> {
    const cursors = new Map<string, string>();
    const root = join(dir, 'streams');
    for (const sid of await readdir(root).catch(() => [] as string[])) {
      const file = await readFile(join(root, sid, 'stream.json'), 'utf8').catch(() => undefined);
      if (file === undefined) continue;
      const saved = JSON.parse(file) as StreamFile;
      let cursor = saved.cursor ?? undefined;
      const batchDir = join(root, sid, 'batches');
      const names = (await readdir(batchDir).catch(() => [] as string[])).filter((n) => n.endsWith('.batch'));
      for (const name of names.sort()) {
        // Gone since the listing: acknowledged by the owner, so the stream file's cursor covers it.
        const meta = await readMeta(join(batchDir, name)).catch(() => undefined);
        if (!meta || meta.epoch < saved.epoch || (meta.epoch === saved.epoch && meta.seq <= saved.ackedSeq))
          continue;
        if (meta.cursor !== null) cursor = meta.cursor;
      }
      if (cursor !== undefined) cursors.set(saved.resource, cursor);
    }
    return cursors;
  }

  private async recover(): Promise<void> {
    const root = join(this.dir, 'streams');
    for (const sid of await readdir(root)) {
      const dir = join(root, sid);
      const file = await readFile(join(dir, 'stream.json'), 'utf8').catch(() => undefined);
      if (file === undefined) continue;
      const saved = JSON.parse(file) as StreamFile;
      const state: StreamState = {
        resource: saved.resource,
        dir,
        epoch: saved.epoch,
        ackedSeq: saved.ackedSeq,
        ackedCursor: saved.cursor ?? undefined,
        pending: [],
        tail: Promise.resolve(),
      };
      const batchDir = join(dir, 'batches');
      const names = (await readdir(batchDir).catch(() => [] as string[])).sort();
      for (const name of names) {
        const path = join(batchDir, name);
        if (name.endsWith('.tmp')) {
          await rm(path, { force: true }); // a write that never reached its rename
          continue;
        }
        if (!name.endsWith('.batch')) continue;
        const meta = await readMeta(path);
        if (meta.epoch < state.epoch || (meta.epoch === state.epoch && meta.seq <= state.ackedSeq)) {
          await unlink(path); // acknowledged just before a crash
          continue;
        }
        const { size } = await stat(path);
        state.pending.push({ ...meta, file: path, fileBytes: size });
        this.totalBytes += size;
      }
      this.streams.set(state.resource, state);
    }
  }

  private readonly creating = new Map<string, Promise<StreamState>>();

  private async stream(resource: string): Promise<StreamState> {
    const known = this.streams.get(resource);
    if (known) return known;
    let pending = this.creating.get(resource);
    if (!pending) {
      pending = (async () => {
        const dir = join(this.dir, 'streams', streamId(resource));
        await mkdir(join(dir, 'batches'), { recursive: true });
        const state: StreamState = {
          resource,
          dir,
          epoch: 0,
          ackedSeq: -1,
          ackedCursor: undefined,
          pending: [],
          tail: Promise.resolve(),
        };
        await this.saveStream(state);
        this.streams.set(resource, state);
        this.creating.delete(resource);
        return state;
      })();
      this.creating.set(resource, pending);
    }
    return pending;
  }

  private async saveStream(state: StreamState): Promise<void> {
    const file: StreamFile = {
      resource: state.resource,
      epoch: state.epoch,
      ackedSeq: state.ackedSeq,
      cursor: state.ackedCursor ?? null,
      updatedAt: Date.now(),
    };
    await writeFileDurable(join(state.dir, 'stream.json'), JSON.stringify(file));
  }

  /** Runs `fn` after every earlier operation on the same stream. */
  private serial<T>(state: StreamState, fn: () => Promise<T>): Promise<T> {
    const run = state.tail.then(fn, fn);
    state.tail = run.catch(() => {});
    return run;
  }

  private assertOpen(): void {
    if (this.closed) throw new FerryError('FERRY_OUTBOX_CLOSED', 'The outbox is closed');
  }

  private async waitForSpace(): Promise<void> {
    const deadline = Date.now() + this.options.fullTimeoutMs;
    while (this.totalBytes >= this.options.maxBytes) {
      this.assertOpen();
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new FerryError(
          'FERRY_OUTBOX_FULL',
          `The outbox holds ${this.totalBytes} bytes (limit ${this.options.maxBytes}) and delivery freed none in ${this.options.fullTimeoutMs} ms; is the platform reachable?`,
          { details: { bytes: this.totalBytes, limit: this.options.maxBytes } },
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Seals a batch at the next position of its stream and stores it durably with its cursor. Waits while
   * the outbox is over its disk limit (back-pressure) and fails with FERRY_OUTBOX_FULL after the timeout.
   */
  async append(request: AppendRequest): Promise<PendingBatch> {
    this.assertOpen();
    const state = await this.stream(request.resource);
    return this.serial(state, async () => {
      await this.waitForSpace();
      this.assertOpen();
      const last = state.pending.at(-1);
      const lastEpoch = last?.epoch ?? state.epoch;
      const lastSeq = last?.seq ?? state.ackedSeq;
      const fresh = lastEpoch === 0;
      // A new stream starts at an epoch above any an earlier installation of this sender could have used
      // (milliseconds since 1970), so a reinstalled outbox never reuses positions the hub already holds.
      const epoch = fresh ? Date.now() : request.newEpoch ? lastEpoch + 1 : lastEpoch;
      const seq = fresh || request.newEpoch ? 0 : lastSeq + 1;
      const sealed = await request.seal({ epoch, seq });
      const meta = {
        resource: request.resource,
        epoch,
        seq,
        envelopeId: sealed.envelopeId,
        rows: sealed.rows,
        cursor: request.cursor ?? null,
        snapshot: request.snapshot ?? null,
        createdAt: Date.now(),
      };
      const bytes = encodeBatchFile(meta, sealed.frame);
      const file = join(state.dir, 'batches', batchName(epoch, seq));
      await writeFileDurable(file, bytes);
      const pending: PendingBatch = {
        ...decodeBatchMeta(bytes, file).meta,
        file,
        fileBytes: bytes.length,
      };
      state.pending.push(pending);
      this.totalBytes += bytes.length;
      return pending;
    });
  }

  /** The oldest batch of a stream that waits for delivery. */
  next(resource: string): PendingBatch | undefined {
    return this.streams.get(resource)?.pending[0];
  }

  /** Every waiting batch of a stream, in delivery order. */
  pending(resource: string): readonly PendingBatch[] {
    return this.streams.get(resource)?.pending ?? [];
  }

  /** The resources with a stream in this outbox. */
  resources(): string[] {
    return [...this.streams.keys()];
  }

  /** Reads a waiting batch's frame, checking it against its checksum. */
  async readFrame(batch: PendingBatch): Promise<Uint8Array> {
    const bytes = await readFile(batch.file);
    const { meta, frameOffset } = decodeBatchMeta(bytes, batch.file);
    const frame = bytes.subarray(frameOffset);
    checkFrame(meta, frame, batch.file);
    return frame;
  }

  /**
   * Records the hub's receipt for the oldest waiting batch of its stream and removes the batch. Receipts
   * are kept in `receipts.ndjson` beside the stream, as the proof of delivery.
   */
  async acknowledge(batch: PendingBatch, receipt: unknown): Promise<void> {
    const state = this.streams.get(batch.resource);
    if (!state) throw new FerryError('FERRY_INVALID_ARGUMENT', `No stream for resource ${batch.resource}`);
    await this.serialAck(state, async () => {
      const head = state.pending[0];
      if (!head || head.epoch !== batch.epoch || head.seq !== batch.seq) {
        throw new FerryError('FERRY_INVALID_ARGUMENT', 'Batches are acknowledged in order, oldest first');
      }
      await appendLineDurable(
        join(state.dir, 'receipts.ndjson'),
        JSON.stringify({ epoch: head.epoch, seq: head.seq, envelopeId: head.envelopeId, receipt }),
      );
      state.epoch = head.epoch;
      state.ackedSeq = head.seq;
      if (head.cursor !== null) state.ackedCursor = head.cursor;
      await this.saveStream(state);
      await unlink(head.file);
      await syncDirectory(join(state.dir, 'batches'));
      state.pending.shift();
      this.totalBytes -= head.fileBytes;
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  // Acknowledgements must not queue behind an append that waits for space, or neither would ever run.
  private ackTail = new Map<string, Promise<unknown>>();
  private serialAck<T>(state: StreamState, fn: () => Promise<T>): Promise<T> {
    const prev = this.ackTail.get(state.resource) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    this.ackTail.set(
      state.resource,
      run.catch(() => {}),
    );
    return run;
  }

  /** The source cursor of the newest batch of a stream (delivered or not): where capture resumes. */
  cursor(resource: string): string | undefined {
    const state = this.streams.get(resource);
    if (!state) return undefined;
    for (let i = state.pending.length - 1; i >= 0; i--) {
      const c = state.pending[i]!.cursor;
      if (c !== null) return c;
    }
    return state.ackedCursor;
  }

  /** Where each stream stands, for monitoring. */
  status(now = Date.now()): StreamStatus[] {
    return [...this.streams.values()].map((s) => ({
      resource: s.resource,
      epoch: s.pending.at(-1)?.epoch ?? s.epoch,
      ackedSeq: s.ackedSeq,
      pendingBatches: s.pending.length,
      pendingBytes: s.pending.reduce((n, b) => n + b.fileBytes, 0),
      pendingRows: s.pending.reduce((n, b) => n + b.rows, 0),
      lagMs: s.pending[0] ? now - s.pending[0].createdAt : 0,
      cursor: this.cursor(s.resource),
    }));
  }

  /** Bytes of all waiting batches. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Waits for running operations, then releases the directory. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of this.waiters.splice(0)) wake();
    await Promise.all([...this.streams.values()].map((s) => s.tail));
    await Promise.all([...this.ackTail.values()]);
    await this.unlock();
  }
}

async function readMeta(path: string): Promise<BatchMeta> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return decodeBatchMeta(head.subarray(0, bytesRead), path).meta;
  } finally {
    await handle.close();
  }
}
