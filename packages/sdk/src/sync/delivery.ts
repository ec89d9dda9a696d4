// Delivers the outbox to the hub: up to `maxInFlight` batches per stream on the wire at once, oldest first,
// retried with backoff and jitter, each acknowledged in stream order and only by a receipt that verifies.
// Never drops a batch: a permanent rejection stops its stream and says why, for an operator.
import { FerryError, isFerryError } from '../errors/index.js';
import type { HubErrorBody, HubTransport } from '../http/hub-transport.js';
import type { TrustStore } from '../pki/trust.js';
import { type SignedReceipt, verifyReceipt } from '../receipt/index.js';
import type { Outbox, PendingBatch } from './outbox/outbox.js';

/** Media type of an envelope frame in an HTTP body. */
export const ENVELOPE_MEDIA_TYPE = 'application/vnd.ferry.envelope';

/** Retry and pacing of delivery. */
export interface DeliveryOptions {
  /** Attempts per round for one batch before the stream pauses (the retry budget). Default 6. */
  retriesPerRound?: number;
  /** First retry delay in ms (doubles, with jitter). Default 200. */
  minTimeoutMs?: number;
  /** Longest retry delay in ms. Default 10 000. */
  maxTimeoutMs?: number;
  /** Pause after a round's budget is spent, before the next round. Default 30 000. */
  pauseMs?: number;
  /** How often the loop looks for new batches when not notified. Default 1 000. */
  pollMs?: number;
  /**
   * Batches per stream sent and not yet acknowledged at once (a window). Default 4; 1 is stop-and-wait.
   * While the hub applies one batch the next ones are already on their way, and the sender reads, verifies
   * and acknowledges in parallel. Acknowledgements stay in stream order. A hub holds an envelope that
   * arrives ahead of its predecessors until they are applied; should it answer `FERRY_SEQUENCE_GAP`
   * instead, delivery lets the window settle and sends again from the oldest unacknowledged batch.
   */
  maxInFlight?: number;
}

/** Monitoring view of one stream's delivery. */
export interface DeliveryStatus {
  resource: string;
  delivered: number;
  lastDeliveredAt: number | undefined;
  lastError: { code: string; message: string; at: number } | undefined;
  /** True when a permanent rejection stopped the stream; {@link Delivery.resume} restarts it. */
  stopped: boolean;
  /**
   * Failed delivery rounds since the process started, by error code (`FERRY_HTTP_TRANSIENT` for a hub
   * that did not answer after the round's retries, `FERRY_DELIVERY_STOPPED` for a rejection), for metrics.
   */
  errors: Record<string, number>;
}

/** Where delivery sends and whom it believes. */
export interface DeliveryTarget {
  transport: HubTransport;
  /** Trust for the hub's receipt signatures. */
  trust: TrustStore;
  /** The hub's department code; receipts must carry it. */
  hub: string;
}

/** Default {@link DeliveryOptions.maxInFlight}. */
export const DEFAULT_MAX_IN_FLIGHT = 4;

/** One batch of a stream's window. */
interface InFlight {
  batch: PendingBatch;
  /**
   * Every earlier batch of the stream had a verified receipt when this one was sent: the hub had applied
   * them, so a `FERRY_SEQUENCE_GAP` answer to this one is real, not a batch that overtook its predecessor.
   */
  sentAsOldest: boolean;
  state: 'posting' | 'answered' | 'acking' | 'failed';
  body?: unknown;
  error?: unknown;
}

/** How a stream's pump ended: nothing left to send, or the first failure in stream order. */
type PumpEnd = { failed: false } | { failed: true; item: InFlight };

/**
 * Delivers one stream with a window of batches in flight until it has nothing left, or until a batch fails:
 * then it sends nothing new, lets the window settle (acknowledging, in order, what was answered before the
 * first failure) and ends with that failure. The loop of {@link Delivery} decides what comes next.
 */
class StreamPump {
  private readonly items: InFlight[] = [];
  private last: PendingBatch | undefined;
  private halted = false;
  private ended = false;
  private finish!: (end: PumpEnd) => void;
  readonly done = new Promise<PumpEnd>((resolve) => {
    this.finish = resolve;
  });

  constructor(
    private readonly resource: string,
    private readonly outbox: Outbox,
    private readonly maxInFlight: number,
    private readonly post: (batch: PendingBatch) => Promise<SignedReceipt>,
    private readonly delivered: (batch: PendingBatch) => void,
    private readonly running: () => boolean,
  ) {}

  /** Sends what the window allows (new batches may have been appended), or ends when there is nothing. */
  poke(): void {
    if (this.ended) return;
    if (!this.running()) this.halted = true;
    while (!this.halted && this.items.length < this.maxInFlight) {
      const batch = this.nextBatch();
      if (!batch) break;
      const item: InFlight = {
        batch,
        sentAsOldest: this.items.every((i) => i.state === 'answered' || i.state === 'acking'),
        state: 'posting',
      };
      this.items.push(item);
      this.last = batch;
      this.post(batch).then(
        (body) => {
          item.state = 'answered';
          item.body = body;
          this.advance();
        },
        (err: unknown) => this.fail(item, err),
      );
    }
    if (this.items.every((i) => i.state !== 'posting' && i.state !== 'acking')) {
      // Settled. Anything left behind the first failure in stream order is sent again next time.
      const failure = this.items.find((i) => i.state === 'failed');
      if (failure) this.end({ failed: true, item: failure });
      else if (this.items.length === 0) this.end({ failed: false });
    }
  }

  // The pending batch after the last one sent (the window is at the front of the pending list).
  private nextBatch(): PendingBatch | undefined {
    const pending = this.outbox.pending(this.resource);
    const last = this.last;
    if (!last) return pending[0];
    for (const b of pending) {
      if (b.epoch > last.epoch || (b.epoch === last.epoch && b.seq > last.seq)) return b;
    }
    return undefined;
  }

  private fail(item: InFlight, err: unknown): void {
    item.state = 'failed';
    item.error = err;
    this.halted = true;
    this.advance();
  }

  // Acknowledges answered batches in stream order, up to the first one still on the wire or failed.
  private advance(): void {
    for (const item of this.items) {
      if (item.state === 'acking') continue;
      if (item.state === 'answered') {
        item.state = 'acking';
        this.outbox.acknowledge(item.batch, item.body).then(
          () => {
            this.items.splice(this.items.indexOf(item), 1);
            this.delivered(item.batch);
            this.advance();
          },
          (err: unknown) => this.fail(item, err),
        );
        continue;
      }
      break; // on the wire, or failed: nothing after it may be acknowledged yet
    }
    this.poke();
  }

  private end(end: PumpEnd): void {
    this.ended = true;
    this.finish(end);
  }
}

/**
 * The background delivery loop of an outbox: one pump per stream with a window of batches in flight, every
 * batch acknowledged in stream order by a verified receipt.
 */
export class Delivery {
  private readonly state = new Map<string, DeliveryStatus>();
  private readonly opts: Required<DeliveryOptions>;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private wakeRequested = false;
  private readonly pumps = new Map<string, StreamPump>();
  private readonly pausedUntil = new Map<string, number>();
  /** Acknowledgements so far: drain's measure of progress. */
  private progress = 0;
  private readonly changeWaiters = new Set<() => void>();

  constructor(
    private readonly outbox: Outbox,
    private readonly target: DeliveryTarget,
    options: DeliveryOptions = {},
  ) {
    const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
      throw new FerryError(
        'FERRY_INVALID_ARGUMENT',
        'delivery.maxInFlight must be an integer of at least 1',
        {
          location: { field: 'maxInFlight' },
        },
      );
    }
    this.opts = {
      retriesPerRound: options.retriesPerRound ?? 6,
      minTimeoutMs: options.minTimeoutMs ?? 200,
      maxTimeoutMs: options.maxTimeoutMs ?? 10_000,
      pauseMs: options.pauseMs ?? 30_000,
      pollMs: options.pollMs ?? 1_000,
      maxInFlight,
    };
  }

  private status(resource: string): DeliveryStatus {
    let s = this.state.get(resource);
    if (!s) {
      s = {
        resource,
        delivered: 0,
        lastDeliveredAt: undefined,
        lastError: undefined,
        stopped: false,
        errors: {},
      };
      this.state.set(resource, s);
    }
    return s;
  }

  /** Starts the background loop. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Tells the loop a batch was appended. */
  notify(): void {
    this.wakeRequested = true;
    this.wake?.();
    for (const pump of this.pumps.values()) pump.poke();
  }

  /** Restarts a stream stopped by a permanent rejection (after an operator fixed the cause). */
  resume(resource: string): void {
    this.status(resource).stopped = false;
    this.pausedUntil.delete(resource);
    this.notify();
  }

  /** Delivery status of every stream. */
  statuses(): DeliveryStatus[] {
    for (const r of this.outbox.resources()) this.status(r);
    return [...this.state.values()].map((s) => ({ ...s, errors: { ...s.errors } }));
  }

  /**
   * Resolves when every stream is empty or stopped. Fails with `FERRY_HTTP_TRANSIENT` when no batch was
   * acknowledged for `timeoutMs` (default 60 000) while some still wait: the timeout is for a stall, not
   * for the whole drain, so a large backlog that keeps moving never times out.
   */
  async drain(timeoutMs = 60_000): Promise<void> {
    let seen = this.progress;
    let since = Date.now();
    while (!this.idle()) {
      if (this.progress !== seen) {
        seen = this.progress;
        since = Date.now();
      }
      const left = since + timeoutMs - Date.now();
      if (left <= 0) {
        throw new FerryError(
          'FERRY_HTTP_TRANSIENT',
          `The outbox did not drain: no batch was acknowledged for ${timeoutMs} ms`,
          { details: { statuses: this.statuses() } },
        );
      }
      this.notify();
      await this.changed(Math.min(left, 1000));
    }
  }

  // Resolves at the next acknowledgement or change of a pump, or after `ms`; leaves nothing behind.
  private changed(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.changeWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.changeWaiters.add(done);
    });
  }

  private signal(): void {
    for (const done of [...this.changeWaiters]) done();
  }

  private idle(): boolean {
    return this.outbox.resources().every((r) => this.outbox.next(r) === undefined || this.status(r).stopped);
  }

  /** Stops the loop after the batches in flight settled (answered batches are still acknowledged). */
  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.wakeRequested = false;
      for (const resource of this.outbox.resources()) {
        if (!this.running) break;
        if (this.pumps.has(resource)) continue;
        const s = this.status(resource);
        if (s.stopped || (this.pausedUntil.get(resource) ?? 0) > Date.now()) continue;
        if (!this.outbox.next(resource)) continue;
        this.startPump(resource);
      }
      if (this.idle()) this.signal();
      if (this.running && !this.wakeRequested) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.opts.pollMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
    await Promise.all([...this.pumps.values()].map((p) => p.done));
    this.signal();
  }

  private startPump(resource: string): void {
    const pump = new StreamPump(
      resource,
      this.outbox,
      this.opts.maxInFlight,
      (batch) => this.post(batch),
      (batch) => this.delivered(batch),
      () => this.running,
    );
    this.pumps.set(resource, pump);
    void pump.done.then((end) => {
      this.pumps.delete(resource);
      if (end.failed) this.failed(resource, end.item);
      this.signal();
      this.notify();
    });
    pump.poke();
  }

  // The first failure of a stream's window, in stream order, once the window settled.
  private failed(resource: string, item: InFlight): void {
    const err = item.error;
    const hubError = isFerryError(err) ? (err.details?.hubError as HubErrorBody | undefined) : undefined;
    if (hubError?.code === 'FERRY_SEQUENCE_GAP' && !item.sentAsOldest) {
      // It overtook a predecessor the hub had not applied yet (and did not wait for): send again from the
      // oldest unacknowledged batch, at once. Sent as the oldest, a second gap is a real one.
      return;
    }
    const s = this.status(resource);
    const code = isFerryError(err) ? err.code : 'FERRY_HTTP_TRANSIENT';
    s.lastError = { code, message: (err as Error).message, at: Date.now() };
    s.errors[code] = (s.errors[code] ?? 0) + 1;
    if (code === 'FERRY_HTTP_TRANSIENT') this.pausedUntil.set(resource, Date.now() + this.opts.pauseMs);
    else s.stopped = true;
  }

  /**
   * Sends one batch and verifies the hub's receipt for it, without acknowledging it in the outbox.
   * Rejects with `FERRY_HTTP_TRANSIENT` when the hub could not be reached within the retry budget and with
   * `FERRY_DELIVERY_STOPPED` for a rejection or a receipt that does not verify or names another envelope
   * or position (`details.hubError` carries the hub's answer, e.g. `FERRY_SEQUENCE_GAP`).
   */
  async post(batch: PendingBatch): Promise<SignedReceipt> {
    const frame = await this.outbox.readFrame(batch);
    let body: unknown;
    try {
      const res = await this.target.transport.request('POST', '/v1/envelopes', undefined, {
        raw: { bytes: frame, contentType: ENVELOPE_MEDIA_TYPE },
        retries: this.opts.retriesPerRound,
        minTimeout: this.opts.minTimeoutMs,
        maxTimeout: this.opts.maxTimeoutMs,
      });
      body = res.body;
    } catch (err) {
      // Not handed back: a request that failed may still be writing the frame to a closing socket.
      throw explainRejection(err, batch);
    }
    // Answered, so sent whole: its buffer can take the next frame.
    this.outbox.releaseFrame(frame);
    let receipt: ReturnType<typeof verifyReceipt>;
    try {
      receipt = verifyReceipt(body, { trust: this.target.trust, hub: this.target.hub });
    } catch (cause) {
      throw new FerryError(
        'FERRY_DELIVERY_STOPPED',
        `The hub's receipt for ${batch.resource} seq ${batch.seq} does not verify`,
        {
          cause,
        },
      );
    }
    if (receipt.envelopeId !== batch.envelopeId) {
      // The hub already holds this stream position from another envelope: another outbox (a second process,
      // a restored copy) sends as this department. Acknowledging would lose this batch, so stop and say so.
      throw new FerryError(
        'FERRY_DELIVERY_STOPPED',
        `The hub holds ${batch.resource} epoch ${batch.epoch} seq ${batch.seq} from another envelope (${receipt.envelopeId}); is a second outbox sending as this department?`,
        { details: { receipt } },
      );
    }
    if (receipt.epoch !== batch.epoch || receipt.seq !== batch.seq || receipt.resource !== batch.resource) {
      throw new FerryError('FERRY_DELIVERY_STOPPED', 'The hub acknowledged a different stream position', {
        details: { receipt, batch: { epoch: batch.epoch, seq: batch.seq } },
      });
    }
    return body as SignedReceipt;
  }

  /** Sends one batch and acknowledges it with a verified receipt (outside the loop's window). */
  async deliver(batch: PendingBatch): Promise<SignedReceipt> {
    const body = await this.post(batch);
    await this.outbox.acknowledge(batch, body);
    this.delivered(batch);
    return body;
  }

  /** Counts an acknowledged batch in its stream's status and wakes whoever waits for progress. */
  private delivered(batch: PendingBatch): void {
    const s = this.status(batch.resource);
    s.delivered++;
    s.lastDeliveredAt = Date.now();
    s.lastError = undefined;
    this.progress++;
    this.signal();
  }
}

function explainRejection(err: unknown, batch: PendingBatch): unknown {
  if (!isFerryError(err, 'FERRY_HTTP_REJECTED')) return err;
  const hubError = err.details?.hubError as HubErrorBody | undefined;
  const where = `${batch.resource} epoch ${batch.epoch} seq ${batch.seq}`;
  if (hubError?.code === 'FERRY_SEQUENCE_GAP') {
    return new FerryError(
      'FERRY_DELIVERY_STOPPED',
      `The hub is missing batches before ${where} (it expects seq ${String(hubError.details?.expectedSeq)}); resnapshot the resource`,
      { cause: err, details: { hubError } },
    );
  }
  return new FerryError(
    'FERRY_DELIVERY_STOPPED',
    `The hub rejected ${where}: ${hubError?.message ?? err.message}`,
    {
      cause: err,
      details: { hubError },
    },
  );
}
