// Delivers the outbox to the hub: oldest batch first per stream, retried with backoff and jitter, each
// acknowledged only by a receipt that verifies. Never drops a batch: a permanent rejection stops its stream
// and says why, for an operator.
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

export class Delivery {
  private readonly state = new Map<string, DeliveryStatus>();
  private readonly opts: Required<DeliveryOptions>;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly drained: (() => void)[] = [];

  constructor(
    private readonly outbox: Outbox,
    private readonly target: DeliveryTarget,
    options: DeliveryOptions = {},
  ) {
    this.opts = {
      retriesPerRound: options.retriesPerRound ?? 6,
      minTimeoutMs: options.minTimeoutMs ?? 200,
      maxTimeoutMs: options.maxTimeoutMs ?? 10_000,
      pauseMs: options.pauseMs ?? 30_000,
      pollMs: options.pollMs ?? 1_000,
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
    this.wake?.();
  }

  /** Restarts a stream stopped by a permanent rejection (after an operator fixed the cause). */
  resume(resource: string): void {
    this.status(resource).stopped = false;
    this.notify();
  }

  /** Delivery status of every stream. */
  statuses(): DeliveryStatus[] {
    for (const r of this.outbox.resources()) this.status(r);
    return [...this.state.values()].map((s) => ({ ...s, errors: { ...s.errors } }));
  }

  /** Resolves when every stream is empty or stopped. */
  async drain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.idle()) {
      if (Date.now() > deadline) {
        throw new FerryError('FERRY_HTTP_TRANSIENT', `The outbox did not drain within ${timeoutMs} ms`, {
          details: { statuses: this.statuses() },
        });
      }
      this.notify();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.drained.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private idle(): boolean {
    return this.outbox.resources().every((r) => this.outbox.next(r) === undefined || this.status(r).stopped);
  }

  /** Stops the loop after the attempt in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.notify();
    await this.loop;
  }

  private async run(): Promise<void> {
    const pausedUntil = new Map<string, number>();
    while (this.running) {
      let progressed = false;
      for (const resource of this.outbox.resources()) {
        if (!this.running) break;
        const s = this.status(resource);
        if (s.stopped || (pausedUntil.get(resource) ?? 0) > Date.now()) continue;
        const batch = this.outbox.next(resource);
        if (!batch) continue;
        try {
          await this.deliver(batch);
          progressed = true;
        } catch (err) {
          const code = isFerryError(err) ? err.code : 'FERRY_HTTP_TRANSIENT';
          s.lastError = { code, message: (err as Error).message, at: Date.now() };
          s.errors[code] = (s.errors[code] ?? 0) + 1;
          if (code === 'FERRY_HTTP_TRANSIENT') pausedUntil.set(resource, Date.now() + this.opts.pauseMs);
          else s.stopped = true;
        }
      }
      if (this.idle()) for (const done of this.drained.splice(0)) done();
      if (!progressed && this.running) {
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
    for (const done of this.drained.splice(0)) done();
  }

  /** Sends one batch and acknowledges it with a verified receipt. */
  async deliver(batch: PendingBatch): Promise<SignedReceipt> {
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
      throw explainRejection(err, batch);
    }
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
    await this.outbox.acknowledge(batch, body);
    const s = this.status(batch.resource);
    s.delivered++;
    s.lastDeliveredAt = Date.now();
    s.lastError = undefined;
    return body as SignedReceipt;
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
