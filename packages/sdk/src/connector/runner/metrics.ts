// What a running connector reports: read by the daemon's /metrics and /healthz, and by tests.

/** Where one table's capture stands. */
export interface TableMetrics {
  resource: string;
  table: string;
  /** `pending` before the first read, `failed` after a fatal error. */
  phase: 'pending' | 'snapshot' | 'incremental' | 'failed';
  /** Changes written to the sink. */
  rowsCaptured: number;
  batchesWritten: number;
  /** Rows of the snapshot in progress or last completed. */
  snapshotRows: number;
  /** Last time a read or write succeeded (ms since the epoch). */
  lastSuccessAt?: number;
  /** Last time the table was caught up: everything committed before then has been captured. */
  lastCaughtUpAt?: number;
  errors: number;
  lastError?: { code?: string; message: string; at: number };
}

/** A point-in-time copy of {@link ConnectorMetrics}, with lags computed. */
export interface ConnectorMetricsSnapshot {
  startedAt: number;
  rowsCaptured: number;
  batchesWritten: number;
  errors: number;
  lastSuccessAt?: number;
  tables: (TableMetrics & { lagMs?: number })[];
}

/**
 * Counters of a {@link runConnector} run. Create one, pass it in, read it at any time (or call
 * {@link ConnectorMetrics.snapshot} for a plain object).
 *
 * @example
 * ```ts
 * const metrics = new ConnectorMetrics();
 * const run = runConnector({ source, sink, tables, metrics, signal });
 * setInterval(() => console.log(metrics.snapshot().tables.map((t) => `${t.resource} lag ${t.lagMs} ms`)), 10_000);
 * ```
 */
export class ConnectorMetrics {
  startedAt = Date.now();
  rowsCaptured = 0;
  batchesWritten = 0;
  errors = 0;
  lastSuccessAt: number | undefined;
  readonly tables = new Map<string, TableMetrics>();

  /** The metrics of one resource, created on first use. */
  table(resource: string, table: string): TableMetrics {
    let t = this.tables.get(resource);
    if (!t) {
      t = {
        resource,
        table,
        phase: 'pending',
        rowsCaptured: 0,
        batchesWritten: 0,
        snapshotRows: 0,
        errors: 0,
      };
      this.tables.set(resource, t);
    }
    return t;
  }

  /**
   * A plain copy. `lagMs` of a table is the time since it was last caught up: an upper bound of how old
   * the newest change not yet captured can be.
   */
  snapshot(now = Date.now()): ConnectorMetricsSnapshot {
    return {
      startedAt: this.startedAt,
      rowsCaptured: this.rowsCaptured,
      batchesWritten: this.batchesWritten,
      errors: this.errors,
      ...(this.lastSuccessAt === undefined ? {} : { lastSuccessAt: this.lastSuccessAt }),
      tables: [...this.tables.values()].map((t) => ({
        ...t,
        ...(t.lastCaughtUpAt === undefined ? {} : { lagMs: Math.max(0, now - t.lastCaughtUpAt) }),
      })),
    };
  }
}
