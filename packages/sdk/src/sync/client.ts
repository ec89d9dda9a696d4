// One object a department system holds: catalog registration, sending changes through the durable outbox,
// and subscribing to shared resources, all configured once.
import { join } from 'node:path';
import type { Knex } from 'knex';
import { requestSigner } from '../auth/request-signer.js';
import { CatalogClient } from '../catalog/client.js';
import type { Change } from '../changes/index.js';
import type { ChangeSink } from '../connector/sink.js';
import type { SuiteName } from '../envelope/header.js';
import { HubTransport } from '../http/hub-transport.js';
import { Certificate } from '../pki/certificate.js';
import type { Identity } from '../pki/identity.js';
import type { TrustStore } from '../pki/trust.js';
import { type BatchSealer, batchSealer } from './batch-sealer.js';
import { Batcher, type BatcherOptions } from './batcher.js';
import { FileCheckpointStore } from './checkpoint-store.js';
import { Delivery, type DeliveryOptions, type DeliveryStatus } from './delivery.js';
import { Outbox, type OutboxOptions, type StreamStatus } from './outbox/outbox.js';
import { OutboxSink } from './outbox-sink.js';
import { type ChangeHandler, type SubscribeOptions, subscribe } from './subscription.js';
import { TransactionalOutbox } from './transactional-outbox.js';

/** Everything a {@link FerryClient} needs. */
export interface FerryClientOptions {
  /** The hub's base URL. */
  hubUrl: string;
  /** This department's identity. */
  identity: Identity;
  /** The platform CA. */
  trust: TrustStore;
  /** Directory for the outbox and checkpoints; must survive restarts. */
  storageDir: string;
  /** Extra recipients sealed into every envelope besides the hub (e.g. a consuming department). */
  recipients?: readonly Certificate[];
  suite?: SuiteName;
  outbox?: OutboxOptions;
  batch?: BatcherOptions;
  delivery?: DeliveryOptions;
  /** HTTP retries for catalog and pull requests. Default 5. */
  retries?: number;
  /** Start delivering in the background at once. Default true. */
  deliver?: boolean;
}

/** What `GET /v1/hub` tells a client. */
interface HubInfo {
  departmentCode: string;
  encryptionCertificate: string;
}

/** Monitoring view: queue depth and lag per stream, and delivery health. */
export interface FerryClientStatus {
  streams: (StreamStatus & Partial<Omit<DeliveryStatus, 'resource'>>)[];
  pendingBytes: number;
}

/**
 * A department's connection to the platform.
 *
 * @example
 * ```ts
 * const ferry = await FerryClient.connect({ hubUrl, identity: me, trust, storageDir: '/var/lib/ferry' });
 * await ferry.send('101001/000001', [{ op: 'upsert', key: { id: 1n }, row: { id: 1n, name: '张三' } }]);
 * await ferry.flush();
 * console.log(ferry.status());
 * await ferry.close();
 * ```
 */
export class FerryClient {
  /** Catalog registration (signed requests). */
  readonly catalog: CatalogClient;
  /** The sink connectors write to. */
  readonly sink: ChangeSink;

  private constructor(
    private readonly options: FerryClientOptions,
    private readonly transport: HubTransport,
    private readonly hub: HubInfo,
    private readonly outbox: Outbox,
    private readonly delivery: Delivery,
    private readonly sealBatch: BatchSealer,
    private readonly batcher: Batcher,
  ) {
    this.catalog = new CatalogClient({
      baseUrl: options.hubUrl,
      signRequest: requestSigner(options.identity),
      retries: options.retries ?? 5,
    });
    const outboxSink = new OutboxSink(outbox, sealBatch);
    // Wake delivery after every connector batch instead of waiting for its next poll.
    this.sink = {
      write: async (batch) => {
        await outboxSink.write(batch);
        delivery.notify();
      },
      cursor: (resource) => outboxSink.cursor(resource),
    };
  }

  /** Fetches the hub's certificate, opens the outbox (recovering after a crash) and starts delivery. */
  static async connect(options: FerryClientOptions): Promise<FerryClient> {
    const transport = new HubTransport({
      baseUrl: options.hubUrl,
      signRequest: requestSigner(options.identity),
      retries: options.retries ?? 5,
      minTimeout: 200,
      maxTimeout: 10_000,
      timeoutMs: 30_000,
    });
    let hub: HubInfo;
    let hubCert: Certificate;
    try {
      hub = (await transport.request('GET', '/v1/hub')).body as HubInfo;
      hubCert = Certificate.parse(hub.encryptionCertificate);
      // The hub's certificate must come from the platform CA we trust, not from whoever answered.
      const { verifyCertificate } = await import('../pki/verify.js');
      verifyCertificate(hubCert, {
        trust: options.trust,
        usage: hubCert.publicKey.algorithm === 'ec-p256' ? 'keyAgreement' : 'keyEncipherment',
        departmentCode: hub.departmentCode,
      });
    } catch (err) {
      transport.close();
      throw err;
    }
    const outbox = await Outbox.open(join(options.storageDir, 'outbox'), options.outbox);
    const sealBatch = batchSealer({
      identity: options.identity,
      recipients: [hubCert, ...(options.recipients ?? [])],
      ...(options.suite ? { suite: options.suite } : {}),
    });
    const delivery = new Delivery(
      outbox,
      { transport, trust: options.trust, hub: hub.departmentCode },
      options.delivery,
    );
    const batcher = new Batcher(async (batch) => {
      await outbox.append({
        resource: batch.resource,
        ...(batch.cursor === undefined ? {} : { cursor: batch.cursor }),
        seal: (position) => sealBatch(batch.resource, batch.content, batch.rows, position),
      });
      delivery.notify();
    }, options.batch);
    const client = new FerryClient(options, transport, hub, outbox, delivery, sealBatch, batcher);
    if (options.deliver !== false) delivery.start();
    return client;
  }

  /** The hub's department code. */
  get hubDepartment(): string {
    return this.hub.departmentCode;
  }

  /**
   * Queues changes of a resource for sending. Resolves once any batch they closed is durable in the
   * outbox; call {@link flush} to close the current batch now.
   */
  async send(resource: string, changes: readonly Change[], options: { cursor?: string } = {}): Promise<void> {
    await this.batcher.add(resource, changes, options.cursor);
  }

  /**
   * The source cursor of the newest batch durably in the outbox for a resource: where a producer resumes
   * after a restart (changes after it were never stored and must be read from the source again).
   */
  cursor(resource: string): string | undefined {
    return this.outbox.cursor(resource);
  }

  /** Closes open batches into the outbox. */
  async flush(): Promise<void> {
    await this.batcher.flush();
  }

  /** Waits until the hub has acknowledged everything in the outbox. */
  async drain(timeoutMs?: number): Promise<void> {
    await this.flush();
    this.delivery.notify();
    await this.delivery.drain(timeoutMs);
  }

  /**
   * Sends a full resnapshot of a resource as a new stream epoch: the hub replaces this department's rows of
   * the resource with the snapshot's once the last batch arrives.
   */
  async resnapshot(
    resource: string,
    batches: AsyncIterable<readonly Change[]> | Iterable<readonly Change[]>,
  ): Promise<void> {
    await this.batcher.flush(resource);
    const write = (changes: readonly Change[], snapshot: 'begin' | 'continue' | 'end') =>
      this.sink.write({ resource, changes, cursor: this.outbox.cursor(resource) ?? '', snapshot });
    let started = false;
    for await (const changes of batches) {
      await write(changes, started ? 'continue' : 'begin');
      started = true;
      this.delivery.notify();
    }
    // An empty snapshot still opens and closes an epoch, so the hub drops the old rows.
    if (!started) await write([], 'begin');
    await write([], 'end');
    this.delivery.notify();
  }

  /**
   * A transactional outbox in the application's database: changes enqueued in the application's own
   * transaction are sent if and only if it commits. Call `relay()` on the returned object periodically.
   */
  transactionalOutbox(db: Knex, options: { table?: string } = {}) {
    const txo = new TransactionalOutbox(db, options);
    return {
      migrate: () => txo.migrate(),
      enqueue: (trx: Knex | Knex.Transaction, resource: string, changes: readonly Change[]) =>
        txo.enqueue(trx, resource, changes),
      relay: async (batchSize?: number) => {
        const moved = await txo.relay(
          this.outbox,
          this.sealBatch,
          batchSize === undefined ? {} : { batchSize },
        );
        if (moved > 0) this.delivery.notify();
        return moved;
      },
    };
  }

  /**
   * Pulls a shared resource after this department's checkpoint until `signal` aborts; the checkpoint
   * advances only after `handler` returns.
   */
  subscribe(
    resource: string,
    handler: ChangeHandler,
    options: Omit<SubscribeOptions, 'checkpoint'> & Partial<Pick<SubscribeOptions, 'checkpoint'>> = {},
  ): Promise<void> {
    return subscribe(
      {
        transport: this.transport,
        identity: this.options.identity,
        trust: this.options.trust,
        hub: this.hub.departmentCode,
      },
      resource,
      handler,
      { checkpoint: new FileCheckpointStore(join(this.options.storageDir, 'checkpoints')), ...options },
    );
  }

  /** Queue depth, lag and last error per stream. */
  status(): FerryClientStatus {
    const delivery = new Map(this.delivery.statuses().map((d) => [d.resource, d]));
    return {
      streams: this.outbox.status().map((s) => {
        const d = delivery.get(s.resource);
        return d
          ? {
              ...s,
              delivered: d.delivered,
              lastDeliveredAt: d.lastDeliveredAt,
              lastError: d.lastError,
              stopped: d.stopped,
              errors: d.errors,
            }
          : s;
      }),
      pendingBytes: this.outbox.bytes,
    };
  }

  /** Restarts delivery of a stream stopped by a permanent rejection. */
  resumeDelivery(resource: string): void {
    this.delivery.resume(resource);
  }

  /** Flushes, stops delivery and releases the outbox. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.batcher.close();
    } finally {
      await this.delivery.stop();
      await this.outbox.close();
      this.catalog.close();
      this.transport.close();
    }
  }
  private closed = false;
}
