// Opening an envelope (decryption, decompression) and decoding its change lines (JSON.parse of every line)
// are the CPU-heavy part of ingest. A small pool of worker threads does them, so that while one batch is
// being decoded the event loop serves HTTP and writes another batch to the database.
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FerryError, type FerryErrorCode } from '@ferry/sdk';
import type { KeyItem } from '../store/index.js';
import type { PreparedBatch } from './decode-batch.js';
import type { OpenJob, OpenReady, OpenReply, OpenWorkerData } from './open-protocol.js';

/** Young generation of each worker (V8 sizes it as three semi-spaces). */
const YOUNG_GENERATION_MB = 192;

/** The default pool size: one thread per core beyond the first, at most 4. */
export function defaultOpenWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

interface Pending {
  resolve(batch: PreparedBatch): void;
  reject(err: unknown): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Settles when the worker has loaded the identity (rejects if it could not start). */
  ready: Promise<void>;
}

/** A pool of worker threads that open and decode envelope frames. */
export class OpenPool {
  readonly #slots: (Slot | undefined)[];
  #nextJob = 0;
  #closed = false;

  constructor(
    size: number,
    private readonly data: OpenWorkerData,
  ) {
    this.#slots = Array.from({ length: size }, () => undefined);
  }

  /**
   * Starts every worker and resolves when all have loaded the hub's identity, so the first envelope does not
   * wait for a thread to start (and a worker that cannot start fails the hub's start, not an ingest).
   */
  async start(): Promise<void> {
    await Promise.all(this.#slots.map((slot, i) => (slot ?? this.#start(i)).ready));
  }

  /** Opens `frame` as the hub and decodes its changes against `keyItems`, in a worker. */
  openAndDecode(frame: Uint8Array, keyItems: readonly KeyItem[]): Promise<PreparedBatch> {
    if (this.#closed) return Promise.reject(unavailable('The hub is shutting down; send the envelope again'));
    const slot = this.#leastBusy();
    const id = this.#nextJob++;
    return new Promise<PreparedBatch>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      const job: OpenJob = { id, frame, keyItems: [...keyItems] };
      slot.worker.postMessage(job);
    });
  }

  /** Stops the workers; jobs still running fail with FERRY_INTERNAL as a 503 (senders retry). */
  async close(): Promise<void> {
    this.#closed = true;
    const slots = this.#slots.splice(0);
    await Promise.all(slots.map((slot) => slot?.worker.terminate()));
  }

  #leastBusy(): Slot {
    let best: Slot | undefined;
    for (let i = 0; i < this.#slots.length; i++) {
      const slot = this.#slots[i] ?? this.#start(i);
      if (!best || slot.pending.size < best.pending.size) best = slot;
    }
    return best!;
  }

  #start(index: number): Slot {
    const entry = workerEntry();
    const worker = new Worker(entry.file, {
      workerData: this.data,
      // A batch's decoded rows outlive several scavenges; a young generation that holds them spares copying
      // them into the old one (bench/hub-decode.ts: 5–18% less decode CPU at 10,000-row batches, noisy).
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      ...(entry.eval ? { eval: true } : {}),
    });
    // The HTTP server keeps the process alive while the hub runs; an idle worker must not.
    worker.unref();
    let started!: { resolve(): void; reject(err: unknown): void };
    const ready = new Promise<void>((resolve, reject) => {
      started = { resolve, reject };
    });
    // Nobody may wait for a restarted worker; its failure reaches the jobs given to it.
    ready.catch(() => {});
    const slot: Slot = { worker, pending: new Map(), ready };
    worker.on('message', (reply: OpenReply | OpenReady) => {
      if ('ready' in reply) return started.resolve();
      const pending = slot.pending.get(reply.id);
      if (!pending) return;
      slot.pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.batch);
      else pending.reject(rebuildError(reply.error));
    });
    const fail = (cause: unknown) => {
      if (this.#slots[index] === slot) this.#slots[index] = undefined;
      started.reject(cause);
      const err = unavailable('An ingest worker stopped while it opened an envelope; send it again', cause);
      for (const pending of slot.pending.values()) pending.reject(err);
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`ingest worker exited with code ${code}`)));
    this.#slots[index] = slot;
    return slot;
  }
}

/** A 503: the sender's transport retries it. */
function unavailable(message: string, cause?: unknown): FerryError {
  return Object.assign(new FerryError('FERRY_INTERNAL', message, cause === undefined ? {} : { cause }), {
    statusCode: 503,
  });
}

function rebuildError(error: Extract<OpenReply, { ok: false }>['error']): Error {
  if (!error.ferry) return new Error(error.message);
  return new FerryError(error.code as FerryErrorCode, error.message, {
    ...(error.location ? { location: error.location } : {}),
    ...(error.details ? { details: error.details } : {}),
  });
}

/**
 * The worker's entry. Built, it is the file beside the bundle that holds this code (`dist/ingest-worker.js`
 * or `.cjs`); run from source (tests, benchmarks), it is the `.ts` file beside this one, loaded through tsx,
 * whose loader a worker must register itself.
 */
function workerEntry(): { file: URL | string; eval?: true } {
  const here = typeof __filename === 'string' ? pathToFileURL(__filename) : new URL(import.meta.url);
  const path = fileURLToPath(here);
  if (path.endsWith('.ts')) {
    const source = JSON.stringify(new URL('./open-worker.ts', here).href);
    return {
      file: `import('tsx/esm/api').then(({ register }) => { register(); return import(${source}); });`,
      eval: true,
    };
  }
  return { file: new URL(path.endsWith('.cjs') ? './ingest-worker.cjs' : './ingest-worker.js', here) };
}
