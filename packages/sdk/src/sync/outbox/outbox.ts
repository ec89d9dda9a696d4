// The durable outbox: sealed batches wait here, each with the source cursor it advances to, until the hub
// answers with a signed receipt. Plain files (no native module), so it runs wherever Node runs, Windows too.
import { createHash } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FerryError } from '../../errors/index.js';
import { syncDirectory, writeFileDurable } from '../durable-fs.js';
import { type BatchMeta, checkFrame, decodeBatchMeta, encodeBatchHead } from './batch-file.js';
import { acquireLock } from './lock.js';

/** Options for {@link Outbox.open}. */
export interface OutboxOptions {
  /** Disk the pending batches may use before producers wait. Default 1 GiB. */
  maxBytes?: number;
  /** How long a producer waits for space before FERRY_OUTBOX_FULL. Default 60 s. */
  fullTimeoutMs?: number;
  /**
   * Memory for the frames of recently appended batches, so that delivery need not read back and check
   * what this process just wrote (batches recovered from disk are always read). Only a batch appended
   * with fewer than {@link OUTBOX_FRAME_CACHE_DEPTH} batches before it in its stream is kept: one further
   * back waits for delivery to catch up, and would be held that long. Default 4 MiB; 0 turns it off.
   */
  frameCacheBytes?: number;
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
  /** `receipts.ndjson`, open for reading and appending while the outbox is open. */
  journal: FileHandle;
  /** Bytes of the journal known to be complete lines (written and synced, or read at recovery). */
  journalBytes: number;
  /** Journal offset the stream file covers; acknowledgements after it are replayed at recovery. */
  checkpointOffset: number;
  /** Acknowledgements journaled since the stream file was last written. */
  acksSinceCheckpoint: number;
  /** Acknowledgements waiting for the next journal write (group commit), in stream order. */
  ackQueue: QueuedAck[];
  /** Acknowledgements accepted (queued or being written) but not yet applied to `pending`. */
  acksInFlight: number;
  /** Resolves when the journal writer is idle. */
  journalIdle: Promise<void> | undefined;
  /** The batch directory, kept open to sync it after each batch's rename (not on Windows). */
  batchDir: FileHandle | undefined;
}

interface QueuedAck {
  batch: PendingBatch;
  line: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface StreamFile {
  resource: string;
  epoch: number;
  ackedSeq: number;
  cursor: string | null;
  updatedAt: number;
  /**
   * Bytes of `receipts.ndjson` this file accounts for: acknowledgements journaled after that offset are
   * replayed on top of it. Absent in outboxes written before the journal (then the file covers it all).
   */
  journalOffset?: number;
}

/** One line of `receipts.ndjson`: the acknowledgement of one batch, with the hub's receipt as proof. */
interface JournalLine {
  epoch: number;
  seq: number;
  envelopeId: string;
  /** The source cursor the acknowledged batch advanced to (null: none). Absent in old lines. */
  cursor?: string | null;
  receipt: unknown;
}

/** The stream file is rewritten after this many acknowledgements (and on close), bounding recovery's replay. */
export const OUTBOX_CHECKPOINT_EVERY = 256;

/**
 * A frame is kept in memory only for a batch appended with fewer batches than this waiting before it in its
 * stream (delivery's default window): one further back is read from its file when its turn comes.
 */
export const OUTBOX_FRAME_CACHE_DEPTH = 4;

/** Read buffers handed back with {@link Outbox.releaseFrame} that are kept for the next reads, at most. */
const READ_BUFFERS = 4;
/** A read buffer larger than this is not kept. */
const READ_BUFFER_MAX_BYTES = 64 * 2 ** 20;

const streamId = (resource: string) => createHash('sha256').update(resource).digest('hex').slice(0, 32);
const batchName = (epoch: number, seq: number) =>
  `${String(epoch).padStart(10, '0')}-${String(seq).padStart(13, '0')}.batch`;

/**
 * A crash-safe outbox in a directory. Each batch file is written to a temporary name, fsynced and renamed,
 * so a batch and its cursor appear together or not at all. An acknowledgement is one line appended to the
 * stream's journal (`receipts.ndjson`, the hub's receipt as proof) and synced, several at once when they
 * arrive together; the batch file is removed afterwards without waiting for the directory, and the stream
 * file is rewritten only every {@link OUTBOX_CHECKPOINT_EVERY} acknowledgements. Recovery replays the journal
 * after the stream file's offset and drops batch files at or below the acknowledged position, so a crash at
 * any point only repeats a delivery the hub answers from its records.
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
  private readonly unlinking = new Set<Promise<void>>();
  /** Frames this process appended, by batch file, until acknowledged (bounded by frameCacheBytes). */
  private readonly frames = new Map<string, Uint8Array>();
  private frameBytes = 0;
  /** Buffers of frames read from files and handed back, for the next reads. */
  private readonly readBuffers: Buffer[] = [];
  /** The buffer each frame read from a file and not yet handed back lies in. */
  private readonly lent = new WeakMap<Uint8Array, Buffer>();

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
      {
        maxBytes: options.maxBytes ?? 2 ** 30,
        fullTimeoutMs: options.fullTimeoutMs ?? 60_000,
        frameCacheBytes: options.frameCacheBytes ?? 4 * 2 ** 20,
      },
      unlock,
    );
    try {
      await outbox.recover();
    } catch (err) {
      await Promise.all([...outbox.streams.values()].map((s) => s.journal.close().catch(() => {})));
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
      const position = { epoch: saved.epoch, ackedSeq: saved.ackedSeq, cursor: saved.cursor ?? undefined };
      if (saved.journalOffset !== undefined) {
        const tail = await readJournalTail(join(root, sid, 'receipts.ndjson'), saved.journalOffset).catch(
          () => undefined,
        );
        if (tail) replayJournal(tail, position);
      }
      let cursor = position.cursor;
      const batchDir = join(root, sid, 'batches');
      const names = (await readdir(batchDir).catch(() => [] as string[])).filter((n) => n.endsWith('.batch'));
      for (const name of names.sort()) {
        // Gone since the listing: acknowledged by the owner, so the journal's cursor covers it.
        const meta = await readMeta(join(batchDir, name)).catch(() => undefined);
        if (
          !meta ||
          meta.epoch < position.epoch ||
          (meta.epoch === position.epoch && meta.seq <= position.ackedSeq)
        )
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
      const state = await openStreamState(saved.resource, dir, {
        epoch: saved.epoch,
        ackedSeq: saved.ackedSeq,
        ackedCursor: saved.cursor ?? undefined,
      });
      this.streams.set(state.resource, state);
      const { journal, journalBytes: bytes } = state;
      if (saved.journalOffset === undefined) {
        // Written before the journal: the stream file covers every receipt line. Record that now, so that
        // acknowledgements appended from here on are replayed after a crash.
        await this.saveStream(state);
      } else {
        // The offset is at most the journal's size unless the journal was moved away (rotated) meanwhile.
        const from = saved.journalOffset <= bytes ? saved.journalOffset : 0;
        const tail = Buffer.alloc(bytes - from);
        if (tail.length > 0) await journal.read(tail, 0, tail.length, from);
        const position = { epoch: state.epoch, ackedSeq: state.ackedSeq, cursor: state.ackedCursor };
        const complete = replayJournal(tail, position);
        state.epoch = position.epoch;
        state.ackedSeq = position.ackedSeq;
        state.ackedCursor = position.cursor;
        state.checkpointOffset = from;
        if (from + complete < bytes) {
          // A line torn by the crash: its acknowledgement never completed. Cut it so appends start clean.
          await journal.truncate(from + complete);
          await journal.datasync();
          state.journalBytes = from + complete;
        }
        // A journal shorter than the offset was moved away: record the new offset before anything is
        // appended, or lines written from here on could lie before a stale offset and never be replayed.
        if (from !== saved.journalOffset) await this.saveStream(state);
      }
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
          await unlink(path); // acknowledged before the crash, its removal not yet done or not yet durable
          continue;
        }
        const { size } = await stat(path);
        state.pending.push({ ...meta, file: path, fileBytes: size });
        this.totalBytes += size;
      }
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
        await syncDirectory(join(this.dir, 'streams'));
        const state = await openStreamState(resource, dir, {
          epoch: 0,
          ackedSeq: -1,
          ackedCursor: undefined,
        });
        // Also makes the journal's and the batch directory's names durable (same directory sync).
        await this.saveStream(state);
        this.streams.set(resource, state);
        this.creating.delete(resource);
        return state;
      })();
      this.creating.set(resource, pending);
    }
    return pending;
  }

  /** Rewrites the stream file: the acknowledged position as of `journalBytes` of the journal. */
  private async saveStream(state: StreamState): Promise<void> {
    const offset = state.journalBytes;
    const file: StreamFile = {
      resource: state.resource,
      epoch: state.epoch,
      ackedSeq: state.ackedSeq,
      cursor: state.ackedCursor ?? null,
      updatedAt: Date.now(),
      journalOffset: offset,
    };
    await writeFileDurable(join(state.dir, 'stream.json'), JSON.stringify(file));
    state.checkpointOffset = offset;
    state.acksSinceCheckpoint = 0;
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
      const { head, meta: stored } = encodeBatchHead(meta, sealed.frame);
      const file = join(state.dir, 'batches', batchName(epoch, seq));
      await this.writeBatch(state, file, head, sealed.frame);
      const fileBytes = head.length + sealed.frame.length;
      const pending: PendingBatch = { ...stored, file, fileBytes };
      state.pending.push(pending);
      this.totalBytes += fileBytes;
      if (
        state.pending.length <= OUTBOX_FRAME_CACHE_DEPTH &&
        this.frameBytes + sealed.frame.length <= this.options.frameCacheBytes
      ) {
        this.frames.set(file, sealed.frame);
        this.frameBytes += sealed.frame.length;
      }
      return pending;
    });
  }

  // The head and the frame in one writev (writeFileDurable), then the batch directory synced through the
  // handle the stream keeps open rather than one opened per batch.
  private async writeBatch(state: StreamState, file: string, head: Buffer, frame: Uint8Array): Promise<void> {
    await writeFileDurable(file, [head, frame], { syncDir: false });
    if (process.platform === 'win32') return; // cannot sync a directory, and needs not
    state.batchDir ??= await open(join(state.dir, 'batches'), 'r');
    await state.batchDir.sync();
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

  /**
   * A waiting batch's frame: the one this process appended when still in memory, else read from its file
   * and checked against its checksum. Hand a frame that is no longer used back with {@link releaseFrame}.
   */
  async readFrame(batch: PendingBatch): Promise<Uint8Array> {
    const cached = this.frames.get(batch.file);
    if (cached) return cached;
    // Into a buffer an earlier frame was read into: a frame lives as long as its delivery takes, long
    // enough for V8 to move a fresh buffer's handle to the old generation, where its memory would wait
    // for a full collection.
    const fit = this.readBuffers.findIndex((b) => b.length >= batch.fileBytes);
    // A new buffer has room to spare, so that it fits the next frames too (their sizes vary a little).
    const buffer =
      fit >= 0
        ? this.readBuffers.splice(fit, 1)[0]!
        : Buffer.allocUnsafeSlow(batch.fileBytes + (batch.fileBytes >> 3));
    const { into, bytes } = await readWhole(batch.file, buffer).catch((err: unknown) => {
      this.keepReadBuffer(buffer);
      throw err;
    });
    if (into !== buffer) this.keepReadBuffer(buffer); // the file had grown: read into a new one
    try {
      const { meta, frameOffset } = decodeBatchMeta(bytes, batch.file);
      const frame = bytes.subarray(frameOffset);
      checkFrame(meta, frame, batch.file);
      this.lent.set(frame, into);
      return frame;
    } catch (err) {
      this.keepReadBuffer(into);
      throw err;
    }
  }

  /**
   * Hands back a frame from {@link readFrame} that nothing uses any more (the request that sent it has
   * been answered): the next read may overwrite its bytes. Optional; a frame not handed back is collected.
   */
  releaseFrame(frame: Uint8Array): void {
    const buffer = this.lent.get(frame);
    if (!buffer) return;
    this.lent.delete(frame);
    this.keepReadBuffer(buffer);
  }

  private keepReadBuffer(buffer: Buffer): void {
    if (this.closed || buffer.length > READ_BUFFER_MAX_BYTES) return;
    if (this.readBuffers.length >= READ_BUFFERS) {
      // Keep the larger ones: a buffer too small for the next frame is of no use.
      const smallest = this.readBuffers.reduce((m, b, i, all) => (b.length < all[m]!.length ? i : m), 0);
      if (this.readBuffers[smallest]!.length >= buffer.length) return;
      this.readBuffers.splice(smallest, 1);
    }
    this.readBuffers.push(buffer);
  }

  /**
   * Records the hub's receipt for the oldest waiting batch of its stream and removes the batch; resolves
   * once the acknowledgement is durable. Receipts are kept in `receipts.ndjson` beside the stream, as the
   * proof of delivery.
   *
   * Acknowledgements must come in stream order, but the next one may be handed over while the previous one
   * is still being written: acknowledgements that arrive together are appended and synced together (group
   * commit). If the write fails, this one and every later one waiting with it are rejected and their
   * batches stay pending.
   */
  async acknowledge(batch: PendingBatch, receipt: unknown): Promise<void> {
    this.assertOpen();
    const state = this.streams.get(batch.resource);
    if (!state) throw new FerryError('FERRY_INVALID_ARGUMENT', `No stream for resource ${batch.resource}`);
    const expected = state.pending[state.acksInFlight];
    if (!expected || expected.epoch !== batch.epoch || expected.seq !== batch.seq) {
      throw new FerryError('FERRY_INVALID_ARGUMENT', 'Batches are acknowledged in order, oldest first', {
        details: {
          expected: expected ? { epoch: expected.epoch, seq: expected.seq } : null,
          received: { epoch: batch.epoch, seq: batch.seq },
        },
      });
    }
    const line: JournalLine = {
      epoch: expected.epoch,
      seq: expected.seq,
      envelopeId: expected.envelopeId,
      cursor: expected.cursor,
      receipt,
    };
    state.acksInFlight++;
    return new Promise<void>((resolve, reject) => {
      state.ackQueue.push({ batch: expected, line: `${JSON.stringify(line)}\n`, resolve, reject });
      if (!state.journalIdle) state.journalIdle = this.writeJournal(state);
    });
  }

  // The journal writer of a stream: one write and one sync for every acknowledgement queued meanwhile.
  private async writeJournal(state: StreamState): Promise<void> {
    while (state.ackQueue.length > 0) {
      const group = state.ackQueue.splice(0);
      const data = Buffer.from(group.map((a) => a.line).join(''), 'utf8');
      try {
        for (let done = 0; done < data.length; ) {
          done += (await state.journal.write(data, done, data.length - done, null)).bytesWritten;
        }
        await state.journal.datasync();
      } catch (err) {
        // The lines may be partly on disk: cut them off so the journal holds only complete acknowledgements.
        await state.journal.truncate(state.journalBytes).catch(() => {});
        const failed = [...group, ...state.ackQueue.splice(0)];
        state.acksInFlight -= failed.length;
        for (const ack of failed) ack.reject(err);
        continue;
      }
      state.journalBytes += data.length;
      // Durable: now the batches may go. A removal lost to a crash is redone by recovery.
      for (const { batch } of group) {
        state.epoch = batch.epoch;
        state.ackedSeq = batch.seq;
        if (batch.cursor !== null) state.ackedCursor = batch.cursor;
        state.pending.shift();
        this.totalBytes -= batch.fileBytes;
        const frame = this.frames.get(batch.file);
        if (frame) {
          this.frames.delete(batch.file);
          this.frameBytes -= frame.length;
        }
        const removal = unlink(batch.file).catch(() => {});
        this.unlinking.add(removal);
        removal.finally(() => this.unlinking.delete(removal));
      }
      state.acksInFlight -= group.length;
      state.acksSinceCheckpoint += group.length;
      for (const wake of this.waiters.splice(0)) wake();
      if (state.acksSinceCheckpoint >= OUTBOX_CHECKPOINT_EVERY) {
        // Only bounds the replay at recovery: the journal already holds these acknowledgements.
        await this.saveStream(state).catch(() => {});
      }
      for (const ack of group) ack.resolve();
    }
    state.journalIdle = undefined;
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
    for (const state of this.streams.values()) {
      while (state.journalIdle) await state.journalIdle;
    }
    await Promise.all([...this.unlinking]);
    this.frames.clear();
    this.frameBytes = 0;
    this.readBuffers.length = 0;
    try {
      for (const state of this.streams.values()) {
        if (state.journalBytes !== state.checkpointOffset) await this.saveStream(state);
      }
    } finally {
      await Promise.all(
        [...this.streams.values()].flatMap((s) => [
          s.journal.close().catch(() => {}),
          s.batchDir?.close().catch(() => {}),
        ]),
      );
      await this.unlock();
    }
  }
}

/** Opens (creating) a stream's journal for reading and appending; returns it and its size. */
/** A stream's in-memory state at `position`, with its journal opened (the stream file covers all of it). */
async function openStreamState(
  resource: string,
  dir: string,
  position: Pick<StreamState, 'epoch' | 'ackedSeq' | 'ackedCursor'>,
): Promise<StreamState> {
  const { handle: journal, bytes } = await openJournal(dir);
  return {
    resource,
    dir,
    ...position,
    pending: [],
    tail: Promise.resolve(),
    journal,
    journalBytes: bytes,
    checkpointOffset: bytes,
    acksSinceCheckpoint: 0,
    ackQueue: [],
    acksInFlight: 0,
    journalIdle: undefined,
    batchDir: undefined,
  };
}

async function openJournal(dir: string): Promise<{ handle: FileHandle; bytes: number }> {
  const handle = await open(join(dir, 'receipts.ndjson'), 'a+', 0o600);
  try {
    return { handle, bytes: (await handle.stat()).size };
  } catch (err) {
    await handle.close().catch(() => {});
    throw err;
  }
}

/**
 * A whole file, read into `buffer` when it fits (else into a new buffer, `into`); `bytes` is the part of
 * `into` that holds it.
 */
async function readWhole(path: string, buffer: Buffer): Promise<{ into: Buffer; bytes: Buffer }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const into = size <= buffer.length ? buffer : Buffer.allocUnsafeSlow(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(into, done, size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return { into, bytes: into.subarray(0, done) };
  } finally {
    await handle.close();
  }
}

async function readJournalTail(path: string, offset: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const from = offset <= size ? offset : 0;
    const tail = Buffer.alloc(size - from);
    if (tail.length > 0) await handle.read(tail, 0, tail.length, from);
    return tail;
  } finally {
    await handle.close();
  }
}

/**
 * Moves `position` past every acknowledgement in `tail` (journal lines after the stream file's offset) and
 * returns the bytes of complete lines. Acknowledgements are journaled in stream order, so the newest position
 * wins; a line at or below the position (written again after a failed sync) changes nothing, and a line that
 * does not parse (only an I/O error can leave one before the end) is skipped.
 */
function replayJournal(
  tail: Buffer,
  position: { epoch: number; ackedSeq: number; cursor: string | undefined },
): number {
  let start = 0;
  for (let end = tail.indexOf(10); end !== -1; start = end + 1, end = tail.indexOf(10, start)) {
    let line: Partial<JournalLine>;
    try {
      line = JSON.parse(tail.toString('utf8', start, end)) as Partial<JournalLine>;
    } catch {
      continue;
    }
    const { epoch, seq } = line;
    if (!Number.isSafeInteger(epoch) || !Number.isSafeInteger(seq)) continue;
    if (epoch! < position.epoch || (epoch === position.epoch && seq! <= position.ackedSeq)) continue;
    position.epoch = epoch!;
    position.ackedSeq = seq!;
    if (typeof line.cursor === 'string') position.cursor = line.cursor;
  }
  return start;
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
