// Prometheus metrics of the daemon, on a registry of its own (two daemons in one process do not mix).
// Values are read from the runner's metrics and the outbox status when scraped, not pushed on every batch.
import type { ConnectorMetricsSnapshot, FerryClientStatus } from '@ferry/sdk';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** What the metrics are read from. */
export interface MetricsSource {
  capture(): ConnectorMetricsSnapshot;
  /** Capture errors since start, by error code. */
  captureErrors(): ReadonlyMap<string, number>;
  /** Rows per second of a resource over the last minute. */
  rowsPerSecond(resource: string): number;
  /** Undefined until connected to the hub. */
  delivery(): FerryClientStatus | undefined;
  healthy(): boolean;
  info: { version: string; source: string };
}

/**
 * A registry with the daemon's series (`ferry_connector_*`, `ferry_outbox_*`, `ferry_delivery_*`) and
 * Node's default process metrics (`process_*`, `nodejs_*`: memory, CPU, event loop lag, open handles).
 *
 * @example
 * ```ts
 * const registry = createMetricsRegistry(source);
 * response.setHeader('content-type', registry.contentType);
 * response.end(await registry.metrics());
 * ```
 */
export function createMetricsRegistry(source: MetricsSource): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const perTable = ['resource', 'table'] as const;
  const perResource = ['resource'] as const;
  const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);

  new Gauge({
    name: 'ferry_connector_info',
    help: 'Constant 1, labelled with the ferry version and the source',
    labelNames: ['version', 'source'] as const,
    registers,
    collect() {
      this.set(source.info, 1);
    },
  });
  new Gauge({
    name: 'ferry_connector_healthy',
    help: '1 when /healthz answers 200, else 0',
    registers,
    collect() {
      this.set(source.healthy() ? 1 : 0);
    },
  });

  const eachTable = (fn: (t: ConnectorMetricsSnapshot['tables'][number]) => void) => {
    for (const t of source.capture().tables) fn(t);
  };
  new Counter({
    name: 'ferry_connector_rows_captured_total',
    help: 'Changes written to the outbox (snapshot rows, upserts and deletes)',
    labelNames: perTable,
    registers,
    collect() {
      this.reset();
      eachTable((t) => this.inc({ resource: t.resource, table: t.table }, t.rowsCaptured));
    },
  });
  new Gauge({
    name: 'ferry_connector_rows_per_second',
    help: 'Changes captured per second over the last minute',
    labelNames: perTable,
    registers,
    collect() {
      this.reset();
      eachTable((t) => this.set({ resource: t.resource, table: t.table }, source.rowsPerSecond(t.resource)));
    },
  });
  new Gauge({
    name: 'ferry_connector_capture_lag_seconds',
    help: 'Time since the table was last caught up (since start while its first snapshot runs)',
    labelNames: perTable,
    registers,
    collect() {
      this.reset();
      const capture = source.capture();
      const now = Date.now();
      for (const t of capture.tables) {
        this.set(
          { resource: t.resource, table: t.table },
          seconds(t.lagMs) ?? (now - capture.startedAt) / 1000,
        );
      }
    },
  });
  new Gauge({
    name: 'ferry_connector_last_success_timestamp_seconds',
    help: 'Unix time of the last successful read or write of the table',
    labelNames: perTable,
    registers,
    collect() {
      this.reset();
      eachTable((t) => {
        if (t.lastSuccessAt !== undefined)
          this.set({ resource: t.resource, table: t.table }, t.lastSuccessAt / 1000);
      });
    },
  });
  new Gauge({
    name: 'ferry_connector_snapshot_rows',
    help: 'Rows of the snapshot in progress, or of the last one completed',
    labelNames: perTable,
    registers,
    collect() {
      this.reset();
      eachTable((t) => this.set({ resource: t.resource, table: t.table }, t.snapshotRows));
    },
  });
  new Counter({
    name: 'ferry_connector_errors_total',
    help: 'Errors by stage (capture, delivery) and error code',
    labelNames: ['stage', 'code'] as const,
    registers,
    collect() {
      this.reset();
      for (const [code, n] of source.captureErrors()) this.inc({ stage: 'capture', code }, n);
      const delivery = new Map<string, number>();
      for (const s of source.delivery()?.streams ?? []) {
        for (const [code, n] of Object.entries(s.errors ?? {}))
          delivery.set(code, (delivery.get(code) ?? 0) + n);
      }
      for (const [code, n] of delivery) this.inc({ stage: 'delivery', code }, n);
    },
  });

  const eachStream = (fn: (s: FerryClientStatus['streams'][number]) => void) => {
    for (const s of source.delivery()?.streams ?? []) fn(s);
  };
  const streamGauge = (
    name: string,
    help: string,
    value: (s: FerryClientStatus['streams'][number]) => number | undefined,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: perResource,
      registers,
      collect() {
        this.reset();
        eachStream((s) => {
          const v = value(s);
          if (v !== undefined) this.set({ resource: s.resource }, v);
        });
      },
    });
  streamGauge('ferry_outbox_pending_batches', 'Sealed batches waiting for the hub', (s) => s.pendingBatches);
  streamGauge(
    'ferry_outbox_pending_bytes',
    'Bytes of the sealed batches waiting for the hub',
    (s) => s.pendingBytes,
  );
  streamGauge(
    'ferry_outbox_pending_rows',
    'Changes in the batches waiting for the hub',
    (s) => s.pendingRows,
  );
  streamGauge(
    'ferry_delivery_lag_seconds',
    'Age of the oldest batch waiting for the hub (0 when none waits)',
    (s) => s.lagMs / 1000,
  );
  streamGauge(
    'ferry_delivery_stopped',
    '1 when the hub rejected a batch and delivery of the stream stopped',
    (s) => (s.stopped ? 1 : 0),
  );
  streamGauge(
    'ferry_delivery_last_success_timestamp_seconds',
    'Unix time of the last batch the hub acknowledged',
    (s) => seconds(s.lastDeliveredAt),
  );
  new Counter({
    name: 'ferry_delivered_batches_total',
    help: 'Batches the hub acknowledged with a verified receipt since start',
    labelNames: perResource,
    registers,
    collect() {
      this.reset();
      eachStream((s) => this.inc({ resource: s.resource }, s.delivered ?? 0));
    },
  });
  return registry;
}

/** Changes per second over a sliding minute, from the batch sizes as they are written. */
export class RateWindow {
  private readonly samples: { at: number; rows: number }[] = [];
  private readonly startedAt: number;

  constructor(
    private readonly windowMs = 60_000,
    now = Date.now(),
  ) {
    this.startedAt = now;
  }

  record(rows: number, now = Date.now()): void {
    this.samples.push({ at: now, rows });
    this.trim(now);
  }

  perSecond(now = Date.now()): number {
    this.trim(now);
    const span = Math.min(this.windowMs, Math.max(1000, now - this.startedAt));
    return (this.samples.reduce((n, s) => n + s.rows, 0) * 1000) / span;
  }

  private trim(now: number): void {
    while (this.samples.length > 0 && this.samples[0]!.at < now - this.windowMs) this.samples.shift();
  }
}
