// The connector daemon: one source captured into the durable outbox, delivered to the hub in the
// background, watched over HTTP, stopped gracefully. `ferry connector run` is this plus signal handling.
import {
  type ChangeSink,
  type ConnectorEvent,
  ConnectorMetrics,
  type DeliveryOptions,
  FerryClient,
  FerryError,
  isFerryError,
  runConnector,
  type Source,
  type TableConfig,
} from '@ferry/sdk';
import type { Registry } from 'prom-client';
import { sleep } from '../util/sleep.js';
import type { LoadedConnectorConfig } from './config.js';
import type { ConnectorConfig } from './config-schema.js';
import { runFileCapture } from './file-capture.js';
import { evaluateHealth, type HealthLimits, type HealthReport } from './health.js';
import { type MonitoringServer, startMonitoringServer } from './http-server.js';
import { loadHubCredentials } from './hub-credentials.js';
import type { Logger } from './logger.js';
import { createMetricsRegistry, RateWindow } from './metrics.js';
import { describeSource, openSqlSource, tableConfigs } from './open-source.js';
import { noProgress, type SnapshotProgress } from './progress.js';
import { resnapshotSink } from './resnapshot-sink.js';

/** Options of {@link ConnectorDaemon.start}. */
export interface ConnectorDaemonOptions {
  /** The configuration, as {@link loadConnectorConfig} returns it. */
  config: LoadedConnectorConfig;
  /** Environment for key passphrases. */
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  /**
   * Capture until every table is caught up, wait until the hub has acknowledged everything, then stop
   * (cron-style runs, tests). A hub that cannot be reached is then an error rather than retried forever.
   */
  untilIdle?: boolean;
  /** How long `untilIdle` waits for the hub to acknowledge the outbox. Default 120 000 ms. */
  drainTimeoutMs?: number;
  /** Snapshot progress display. Default none. */
  progress?: SnapshotProgress;
  /** Aborting it stops the daemon gracefully, like {@link ConnectorDaemon.stop}. */
  signal?: AbortSignal;
  /** Delivery pacing (tests shorten it). */
  delivery?: DeliveryOptions;
  /** Version reported by `ferry_connector_info`. */
  version?: string;
  /**
   * Resources to capture again from a new snapshot, ignoring their stored cursor (`all`: every resource).
   * The new snapshot is a new stream epoch: when it ends, the hub drops the rows it did not send.
   */
  resnapshot?: readonly string[];
}

/**
 * A running connector daemon. Capture, delivery and the monitoring server run in the background from
 * {@link ConnectorDaemon.start}; {@link ConnectorDaemon.done} settles when the daemon has stopped and
 * released everything (rejecting with the error that stopped it, if any).
 *
 * @example
 * ```ts
 * const loaded = await loadConnectorConfig('connector.yaml', process.env);
 * const daemon = await ConnectorDaemon.start({ config: loaded, env: process.env, log });
 * process.once('SIGTERM', () => void daemon.stop());
 * await daemon.done;
 * ```
 */
export class ConnectorDaemon {
  /** Settles once the daemon has stopped and closed the outbox, the source and the HTTP server. */
  readonly done: Promise<void>;

  private readonly abort = new AbortController();
  private readonly metrics = new ConnectorMetrics();
  private readonly captureErrors = new Map<string, number>();
  private readonly rates = new Map<string, RateWindow>();
  private readonly registry: Registry;
  private readonly limits: HealthLimits;
  private readonly config: ConnectorConfig;
  private readonly tables: TableConfig[];
  private client: FerryClient | undefined;
  private source: Source | undefined;
  private server: MonitoringServer | undefined;
  private blocked: string | undefined = 'starting';
  private readonly listening: Promise<void>;
  private lastHeartbeat = 0;
  private deliveryTimer: NodeJS.Timeout | undefined;
  private readonly deliverySeen = new Map<string, { errorAt?: number; stopped: boolean }>();

  private constructor(
    private readonly options: ConnectorDaemonOptions,
    private readonly credentials: Awaited<ReturnType<typeof loadHubCredentials>>,
  ) {
    this.config = options.config.config;
    this.tables = tableConfigs(this.config);
    for (const resource of options.resnapshot ?? []) {
      if (resource !== 'all' && !this.tables.some((t) => t.resource === resource)) {
        throw new FerryError(
          'FERRY_INVALID_ARGUMENT',
          `--resnapshot ${resource}: not a resource of this configuration (${this.tables.map((t) => t.resource).join(', ') || 'it has no tables'})`,
        );
      }
    }
    for (const t of this.tables) this.metrics.table(t.resource, t.table);
    const pollMs = this.pollIntervalMs();
    const staleSeconds = this.config.health.captureStaleSeconds;
    this.limits = {
      captureStaleMs:
        staleSeconds !== undefined
          ? staleSeconds * 1000
          : this.config.source.kind === 'file'
            ? undefined
            : Math.max(3 * pollMs, 60_000),
      deliveryStaleMs: this.config.health.deliveryStaleSeconds * 1000,
    };
    this.registry = createMetricsRegistry({
      capture: () => this.metrics.snapshot(),
      captureErrors: () => this.captureErrors,
      rowsPerSecond: (resource) => this.rates.get(resource)?.perSecond() ?? 0,
      delivery: () => this.client?.status(),
      healthy: () => this.health().ok,
      info: { version: options.version ?? '0.0.0', source: describeSource(this.config.source) },
    });
    let listening!: { resolve: () => void; reject: (err: unknown) => void };
    this.listening = new Promise<void>((resolve, reject) => {
      listening = { resolve, reject };
    });
    this.listening.catch(() => undefined);
    this.done = this.run(listening);
    // Observed by the caller through `done`; never an unhandled rejection in between.
    this.done.catch(() => undefined);
  }

  /**
   * Loads the identity and the CA, starts the monitoring server and then, in the background, connects to
   * the hub (retrying while it is unreachable) and captures. Resolves once the monitoring server listens;
   * configuration problems found before that reject.
   */
  static async start(options: ConnectorDaemonOptions): Promise<ConnectorDaemon> {
    const credentials = await loadHubCredentials(options.config.config.hub, options.env);
    const daemon = new ConnectorDaemon(options, credentials);
    await daemon.listening;
    return daemon;
  }

  /** `http://host:port` of /healthz and /metrics, when enabled. */
  get monitoringUrl(): string | undefined {
    return this.server?.url;
  }

  /** Health as /healthz reports it. */
  health(): HealthReport {
    return evaluateHealth(
      {
        blocked: this.blocked,
        capture: this.metrics.snapshot(),
        delivery: this.client?.status(),
        idleIsHealthy: this.config.source.kind === 'file',
      },
      this.limits,
    );
  }

  /** The Prometheus text /metrics serves. */
  metricsText(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Stops gracefully: capture stops after the batch being written (which reaches the outbox with its
   * cursor), delivery stops after the request in flight, the outbox and the source are closed. Resolves
   * when all of that is done; safe to call more than once.
   */
  async stop(): Promise<void> {
    if (!this.abort.signal.aborted) {
      this.options.log.info('stopping: finishing the batch in flight');
      this.abort.abort();
    }
    await this.done.catch(() => undefined);
  }

  private pollIntervalMs(): number {
    const s = this.config.schedule;
    return Math.round(('intervalSeconds' in s ? s.intervalSeconds : (s.idleSeconds ?? 0.5)) * 1000);
  }

  private async run(listening: { resolve: () => void; reject: (err: unknown) => void }): Promise<void> {
    const { log } = this.options;
    const outer = this.options.signal;
    const onOuterAbort = () => void this.stop();
    if (outer?.aborted) this.abort.abort();
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    try {
      try {
        const http = this.config.http;
        if (http !== false) {
          this.server = await startMonitoringServer({
            host: http.host,
            port: http.port,
            health: () => this.health(),
            registry: this.registry,
          });
          log.info({ url: this.server.url }, 'health and metrics: /healthz, /metrics');
        }
        listening.resolve();
      } catch (err) {
        listening.reject(err);
        throw err;
      }
      log.info(
        {
          source: describeSource(this.config.source),
          tables: this.tables.map((t) => ({
            table: t.table,
            resource: t.resource,
            strategy: t.strategy.kind,
          })),
          hub: this.config.hub.url,
          department: this.credentials.identity.certificate.departmentCode,
          storageDir: this.config.storageDir,
        },
        'connector starting',
      );
      this.client = await this.connect();
      if (!this.client) return;
      this.blocked = undefined;
      this.watchDelivery();
      const resnapshot = this.resnapshotTargets();
      if (resnapshot.length > 0) {
        log.info(
          { resources: resnapshot },
          'resnapshot requested: the stored cursors are ignored; a new epoch starts',
        );
      }
      await this.capture(
        resnapshot.length > 0 ? resnapshotSink(this.client.sink, resnapshot) : this.client.sink,
      );
      if (this.options.untilIdle && !this.abort.signal.aborted) await this.drain(this.client);
    } catch (err) {
      log.fatal({ err }, 'connector stopped by an error');
      throw err;
    } finally {
      outer?.removeEventListener('abort', onOuterAbort);
      await this.shutdown();
    }
  }

  private resnapshotTargets(): string[] {
    const wanted = this.options.resnapshot ?? [];
    if (wanted.includes('all')) return this.tables.map((t) => t.resource);
    return [...wanted];
  }

  private async connect(): Promise<FerryClient | undefined> {
    const { log } = this.options;
    let delay = 1000;
    for (;;) {
      if (this.abort.signal.aborted) return undefined;
      try {
        const client = await FerryClient.connect({
          hubUrl: this.config.hub.url,
          identity: this.credentials.identity,
          trust: this.credentials.trust,
          storageDir: this.config.storageDir,
          outbox: { maxBytes: this.config.outbox.maxMiB * 1024 * 1024 },
          // Start-up requests give up quickly: this loop retries for ever and says why in between.
          retries: 2,
          ...(this.options.delivery ? { delivery: this.options.delivery } : {}),
        });
        log.info({ hub: this.config.hub.url, hubDepartment: client.hubDepartment }, 'connected to the hub');
        for (const s of client.status().streams) {
          if (s.pendingBatches > 0)
            log.info(
              { resource: s.resource, pendingBatches: s.pendingBatches, pendingBytes: s.pendingBytes },
              'outbox holds batches from before the restart; delivering them',
            );
        }
        return client;
      } catch (err) {
        // Only an unreachable hub is worth waiting for; a wrong URL, an untrusted hub certificate or a
        // second daemon on the same storageDir will not mend themselves.
        const transient = isFerryError(err, 'FERRY_HTTP_TRANSIENT');
        if (!transient || this.options.untilIdle) throw err;
        if (this.abort.signal.aborted) return undefined;
        this.blocked = `cannot reach the hub at ${this.config.hub.url}: ${(err as Error).message}`;
        log.warn({ error: briefError(err), retryInMs: delay }, 'cannot reach the hub; retrying');
        await sleep(delay, this.abort.signal);
        delay = Math.min(delay * 2, 60_000);
      }
    }
  }

  private async capture(sink: ChangeSink): Promise<void> {
    const { log } = this.options;
    const config = this.config;
    if (config.source.kind === 'file') {
      await runFileCapture({
        section: config.source,
        sink,
        metrics: this.metrics,
        intervalMs: this.pollIntervalMs(),
        batchSize: config.snapshot.chunkSize,
        signal: this.abort.signal,
        untilIdle: this.options.untilIdle ?? false,
        log,
        onError: (code) => this.countError(code),
        onRows: (resource, rows) => this.rate(resource).record(rows),
        onIdle: () => this.heartbeat(),
      });
      return;
    }
    const source = await openSqlSource(config.source, log);
    this.source = source;
    await runConnector({
      source,
      sink,
      tables: this.tables,
      batchSize: config.snapshot.chunkSize,
      pollIntervalMs: this.pollIntervalMs(),
      onInvalidCursor: config.onInvalidCursor,
      signal: this.abort.signal,
      once: this.options.untilIdle ?? false,
      metrics: this.metrics,
      onEvent: (event) => this.onEvent(event),
      onHeartbeat: () => this.heartbeat(),
    });
  }

  private onEvent(event: ConnectorEvent): void {
    const { log } = this.options;
    const progress = this.options.progress ?? noProgress;
    switch (event.type) {
      case 'snapshot-started':
        log.info({ resource: event.resource, table: event.table, reason: event.reason }, 'snapshot started');
        this.showProgress(event.resource, event.table);
        break;
      case 'snapshot-completed':
        this.progressShown.delete(event.resource);
        progress.completed(event.resource);
        log.info({ resource: event.resource, table: event.table, rows: event.rows }, 'snapshot completed');
        break;
      case 'batch':
        this.rate(event.resource).record(event.changes);
        if (event.phase === 'snapshot') {
          // A snapshot resumed after a restart has no start event: its bar starts at its first batch.
          this.showProgress(event.resource, event.table);
          progress.advanced(event.resource, event.table, event.changes);
        }
        log.debug(
          { resource: event.resource, table: event.table, phase: event.phase, changes: event.changes },
          'batch written to the outbox',
        );
        break;
      case 'caught-up':
        log.info({ resource: event.resource, table: event.table }, 'caught up');
        break;
      case 'schema-changed':
        log.warn(
          { resource: event.resource, table: event.table, added: event.added, removed: event.removed },
          "the table's columns changed: rows now carry the new shape; update the catalog entry's data items",
        );
        break;
      case 'cursor-invalid':
        this.countError(event.error.code);
        log[event.action === 'fail' ? 'error' : 'warn'](
          { resource: event.resource, table: event.table, err: event.error, action: event.action },
          event.action === 'fail'
            ? 'the stored cursor cannot be used; set onInvalidCursor: resnapshot to start over with a new snapshot'
            : 'the stored cursor cannot be used; starting a new snapshot',
        );
        break;
      case 'error':
        this.countError(isFerryError(event.error) ? event.error.code : 'ERROR');
        log.warn(
          {
            resource: event.resource,
            table: event.table,
            error: briefError(event.error),
            retryInMs: event.retryInMs,
          },
          'capture failed; retrying',
        );
        log.debug({ resource: event.resource, err: event.error }, 'capture failure in detail');
        break;
      case 'stopped':
        log.info('capture stopped');
        break;
    }
  }

  private readonly progressShown = new Set<string>();

  /** Starts the progress bar of a snapshot once, with the source's estimate of the table's rows. */
  private showProgress(resource: string, tableName: string): void {
    if (!this.options.progress || this.progressShown.has(resource)) return;
    this.progressShown.add(resource);
    const table = this.tables.find((t) => t.resource === resource);
    const estimate =
      table && this.source?.estimateRows
        ? this.source.estimateRows(table).catch(() => undefined)
        : Promise.resolve(undefined);
    this.options.progress.started(resource, tableName, estimate);
  }

  private countError(code: string): void {
    this.captureErrors.set(code, (this.captureErrors.get(code) ?? 0) + 1);
  }

  private rate(resource: string): RateWindow {
    let window = this.rates.get(resource);
    if (!window) {
      window = new RateWindow();
      this.rates.set(resource, window);
    }
    return window;
  }

  private heartbeat(): void {
    const every = this.config.log.heartbeatSeconds * 1000;
    const now = Date.now();
    if (every <= 0 || now - this.lastHeartbeat < every) return;
    this.lastHeartbeat = now;
    const capture = this.metrics.snapshot(now);
    const delivery = this.client?.status();
    this.options.log.info(
      {
        rowsCaptured: capture.rowsCaptured,
        tables: capture.tables.map((t) => ({
          resource: t.resource,
          phase: t.phase,
          lagSeconds: t.lagMs === undefined ? undefined : Math.round(t.lagMs / 1000),
        })),
        outbox: {
          pendingBatches: delivery?.streams.reduce((n, s) => n + s.pendingBatches, 0) ?? 0,
          pendingBytes: delivery?.pendingBytes ?? 0,
        },
        healthy: this.health().ok,
      },
      'heartbeat',
    );
  }

  /** Delivery runs inside the client without events: its status is polled to log failures and recoveries. */
  private watchDelivery(): void {
    const { log } = this.options;
    const check = () => {
      for (const s of this.client?.status().streams ?? []) {
        const seen = this.deliverySeen.get(s.resource) ?? { stopped: false };
        if (s.lastError && s.lastError.at !== seen.errorAt) {
          seen.errorAt = s.lastError.at;
          log[s.stopped ? 'error' : 'warn'](
            {
              resource: s.resource,
              code: s.lastError.code,
              error: s.lastError.message,
              pendingBatches: s.pendingBatches,
            },
            s.stopped
              ? 'delivery stopped: the hub rejected a batch; fix the cause and restart the daemon'
              : 'delivery failed; retrying',
          );
        } else if (seen.errorAt !== undefined && !s.lastError) {
          seen.errorAt = undefined;
          log.info({ resource: s.resource }, 'delivery resumed');
        }
        seen.stopped = s.stopped ?? false;
        this.deliverySeen.set(s.resource, seen);
      }
    };
    this.deliveryTimer = setInterval(check, 1000);
    this.deliveryTimer.unref();
  }

  private async drain(client: FerryClient): Promise<void> {
    const timeout = this.options.drainTimeoutMs ?? 120_000;
    this.options.log.info({ timeoutMs: timeout }, 'caught up; waiting for the hub to acknowledge the outbox');
    await client.drain(timeout);
    const stopped = client.status().streams.filter((s) => s.stopped);
    if (stopped.length > 0) {
      throw new FerryError(
        'FERRY_DELIVERY_STOPPED',
        stopped.map((s) => `${s.resource}: ${s.lastError?.message ?? 'rejected by the hub'}`).join('; '),
      );
    }
    this.options.log.info('the hub acknowledged every batch');
  }

  private async shutdown(): Promise<void> {
    const { log } = this.options;
    if (this.deliveryTimer) clearInterval(this.deliveryTimer);
    (this.options.progress ?? noProgress).stop();
    const client = this.client;
    if (client) {
      const waiting = client.status().streams.filter((s) => s.pendingBatches > 0);
      await client.close().catch((err: unknown) => log.error({ err }, 'closing the outbox failed'));
      for (const s of waiting) {
        log.info(
          { resource: s.resource, pendingBatches: s.pendingBatches },
          'batches wait in the outbox; they are sent at the next start',
        );
      }
    }
    await this.source?.close?.().catch((err: unknown) => log.warn({ err }, 'closing the source failed'));
    await this.server?.close();
    this.blocked = 'stopped';
    log.info('connector stopped');
  }
}

/** Code and message of an error, for warnings that repeat on every retry (the stack goes to debug). */
function briefError(err: unknown): { code?: string; message: string } {
  return {
    ...(isFerryError(err) ? { code: err.code } : {}),
    message: (err as Error)?.message ?? String(err),
  };
}
