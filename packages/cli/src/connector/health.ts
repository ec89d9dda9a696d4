// Is the daemon doing its job? Healthy when every table's last capture succeeded recently and nothing
// waits too long for the hub; otherwise the reasons, one sentence each, for /healthz and the logs.
import type { ConnectorMetricsSnapshot, FerryClientStatus } from '@ferry/sdk';

/** Thresholds of {@link evaluateHealth}. */
export interface HealthLimits {
  /** A table whose last successful read is older than this is unhealthy; undefined: age is not judged (file drops). */
  captureStaleMs: number | undefined;
  /** A stream whose oldest waiting batch is older than this is unhealthy. */
  deliveryStaleMs: number;
}

/** What the daemon knows when health is asked for. */
export interface HealthInput {
  /** Why the daemon is not (yet) capturing, e.g. `connecting to the hub: …`; undefined once it runs. */
  blocked: string | undefined;
  capture: ConnectorMetricsSnapshot;
  /** Undefined until connected to the hub. */
  delivery: FerryClientStatus | undefined;
  /** True for sources that have nothing to read until a file arrives: no success yet is fine. */
  idleIsHealthy: boolean;
}

/** The answer of /healthz. */
export interface HealthReport {
  ok: boolean;
  /** Every reason the daemon is unhealthy; empty when ok. */
  reasons: string[];
  capture: {
    resource: string;
    table: string;
    phase: string;
    lastSuccessAt?: string;
    lagSeconds?: number;
    lastError?: string;
  }[];
  delivery: {
    resource: string;
    pendingBatches: number;
    lagSeconds: number;
    lastDeliveredAt?: string;
    stopped: boolean;
    lastError?: string;
  }[];
}

/**
 * Judges the daemon's health from its capture metrics and outbox status.
 *
 * @example
 * ```ts
 * const report = evaluateHealth({ blocked: undefined, capture: metrics.snapshot(), delivery: client.status(), idleIsHealthy: false },
 *   { captureStaleMs: 60_000, deliveryStaleMs: 300_000 });
 * if (!report.ok) console.log(report.reasons.join('; '));
 * ```
 */
export function evaluateHealth(input: HealthInput, limits: HealthLimits, now = Date.now()): HealthReport {
  const reasons: string[] = [];
  if (input.blocked) reasons.push(input.blocked);
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  const age = (ms: number) => `${Math.round((now - ms) / 1000)} s`;

  const capture = input.capture.tables.map((t) => {
    const name = `${t.table} (${t.resource})`;
    const failing = t.lastError && (t.lastSuccessAt === undefined || t.lastError.at >= t.lastSuccessAt);
    const errorText = t.lastError ? `${t.lastError.code ?? 'error'}: ${t.lastError.message}` : undefined;
    if (t.phase === 'failed') {
      reasons.push(`capture of ${name} stopped: ${errorText ?? 'failed'}`);
    } else if (failing) {
      reasons.push(`capture of ${name} is failing: ${errorText}`);
    } else if (t.lastSuccessAt === undefined) {
      if (!input.idleIsHealthy && !input.blocked)
        reasons.push(`capture of ${name} has not completed a read yet`);
    } else if (limits.captureStaleMs !== undefined && now - t.lastSuccessAt > limits.captureStaleMs) {
      reasons.push(
        `the last successful capture of ${name} was ${age(t.lastSuccessAt)} ago (limit ${limits.captureStaleMs / 1000} s)`,
      );
    }
    return {
      resource: t.resource,
      table: t.table,
      phase: t.phase,
      ...(t.lastSuccessAt === undefined ? {} : { lastSuccessAt: iso(t.lastSuccessAt) }),
      ...(t.lagMs === undefined ? {} : { lagSeconds: t.lagMs / 1000 }),
      ...(errorText ? { lastError: errorText } : {}),
    };
  });
  if (input.capture.tables.length === 0 && !input.blocked && !input.idleIsHealthy) {
    reasons.push('capture has not started');
  }

  const delivery = (input.delivery?.streams ?? []).map((s) => {
    const errorText = s.lastError ? `${s.lastError.code}: ${s.lastError.message}` : undefined;
    const failing =
      s.lastError !== undefined &&
      s.pendingBatches > 0 &&
      (s.lastDeliveredAt === undefined || s.lastError.at >= s.lastDeliveredAt);
    if (s.stopped) {
      reasons.push(`delivery of ${s.resource} stopped: ${errorText ?? 'rejected by the hub'}`);
    } else if (failing) {
      reasons.push(`delivery of ${s.resource} is failing: ${errorText}`);
    } else if (s.pendingBatches > 0 && s.lagMs > limits.deliveryStaleMs) {
      reasons.push(
        `the oldest batch of ${s.resource} has waited ${Math.round(s.lagMs / 1000)} s for the hub (limit ${limits.deliveryStaleMs / 1000} s)`,
      );
    }
    return {
      resource: s.resource,
      pendingBatches: s.pendingBatches,
      lagSeconds: s.lagMs / 1000,
      ...(s.lastDeliveredAt === undefined ? {} : { lastDeliveredAt: iso(s.lastDeliveredAt) }),
      stopped: s.stopped ?? false,
      ...(errorText ? { lastError: errorText } : {}),
    };
  });

  return { ok: reasons.length === 0, reasons, capture, delivery };
}
