import { setTimeout as delay } from 'node:timers/promises';
import { changeCount, sameChanges } from '../../changes/encoded.js';
import { FerryError, isFerryError } from '../../errors/index.js';
import type { Checkpoint } from '../checkpoint.js';
import type { ChangeBatch, ChangeSink } from '../sink.js';
import type { CaptureTable, SnapshotChunk, Source } from '../source.js';
import { ConnectorMetrics, type ConnectorMetricsSnapshot, type TableMetrics } from './metrics.js';

/** A table to capture and the catalog resource its changes belong to. */
export interface TableConfig extends CaptureTable {
  /** Catalog resource code (信息资源代码) the changes are sent as; the sink keeps one cursor per resource. */
  resource: string;
}

/** Something that happened in a run, for logs and progress display. */
export type ConnectorEvent =
  | { type: 'snapshot-started'; resource: string; table: string; reason: 'initial' | 'resnapshot' }
  | { type: 'snapshot-completed'; resource: string; table: string; rows: number }
  | { type: 'batch'; resource: string; table: string; phase: 'snapshot' | 'incremental'; changes: number }
  | { type: 'caught-up'; resource: string; table: string }
  | { type: 'schema-changed'; resource: string; table: string; added: string[]; removed: string[] }
  | {
      type: 'cursor-invalid';
      resource: string;
      table: string;
      error: FerryError;
      action: 'fail' | 'resnapshot';
    }
  | { type: 'error'; resource: string; table: string; error: unknown; retryInMs: number }
  | { type: 'stopped' };

/** Options of {@link runConnector}. */
export interface RunConnectorOptions {
  source: Source;
  sink: ChangeSink;
  tables: readonly TableConfig[];
  /** Rows per snapshot chunk and changes per incremental read (and so per batch). Default 1000. */
  batchSize?: number;
  /** Pause between polls once every table is caught up. Default 5000 ms. */
  pollIntervalMs?: number;
  /**
   * What to do when a stored cursor does not decode (`FERRY_CURSOR_INVALID`) or can no longer be served
   * (`FERRY_CURSOR_EXPIRED`): `fail` (default) stops the run with the error; `resnapshot` starts a new
   * snapshot, which begins a new stream epoch at the hub. Changes are never silently skipped.
   */
  onInvalidCursor?: 'fail' | 'resnapshot';
  /** Stops the run between batches: the batch being written completes, then the promise resolves. */
  signal?: AbortSignal;
  /** Resolve as soon as every table is caught up, instead of polling forever (tests, cron jobs, benches). */
  once?: boolean;
  /** Counters to update; create one to read them while the run goes on. */
  metrics?: ConnectorMetrics;
  onEvent?: (event: ConnectorEvent) => void;
  /** Called after each poll that found nothing new, with the current metrics. */
  onHeartbeat?: (metrics: ConnectorMetricsSnapshot) => void;
  /** Batches one table may write before the next table gets its turn. Default 10. */
  maxBatchesPerTurn?: number;
  /** Back-off after a transient error (a lost connection): doubles from `initialMs` up to `maxMs`. */
  retry?: { initialMs?: number; maxMs?: number };
}

interface TableRun {
  config: TableConfig;
  metrics: TableMetrics;
  loaded: boolean;
  checkpoint: Checkpoint | undefined;
  resnapshot: boolean;
  snapshot: { iterator: AsyncIterator<SnapshotChunk>; first: boolean } | undefined;
  caughtUp: boolean;
  failures: number;
  retryAt: number;
}

/**
 * Captures the given tables from `source` into `sink` until `signal` aborts (or, with `once`, until every
 * table is caught up).
 *
 * For each table: resume from the cursor the sink holds for its resource; without one, take the
 * incremental watermark, snapshot the table chunk by chunk (`snapshot: 'begin' | 'continue' | 'end'`
 * framing, cursor after every chunk) and continue incrementally from the watermark — rows changed during
 * the snapshot may be sent twice, none is lost. Every batch is written with the cursor it advances to, so
 * a restart continues exactly after the last batch the sink accepted.
 *
 * Transient errors (connection lost, sink unavailable) are reported through `onEvent` and `metrics` and
 * retried with back-off; configuration errors and unusable cursors (with `onInvalidCursor: 'fail'`)
 * reject the returned promise.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * process.on('SIGTERM', () => controller.abort());
 * await runConnector({
 *   source: postgres({ connection: process.env.DATABASE_URL }),
 *   sink: outbox,
 *   tables: [{ table: 'public.licences', resource: '371/000001', strategy: { kind: 'changelog', install: true } }],
 *   signal: controller.signal,
 * });
 * ```
 */
export async function runConnector(options: RunConnectorOptions): Promise<void> {
  const { source, sink, signal } = options;
  const batchSize = options.batchSize ?? 1000;
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  const maxTurn = options.maxBatchesPerTurn ?? 10;
  const retryInitial = options.retry?.initialMs ?? 1000;
  const retryMax = options.retry?.maxMs ?? 60_000;
  const onInvalidCursor = options.onInvalidCursor ?? 'fail';
  const metrics = options.metrics ?? new ConnectorMetrics();
  const emit = (event: ConnectorEvent) => options.onEvent?.(event);
  validate(options.tables, batchSize);

  const runs: TableRun[] = options.tables.map((config) => ({
    config,
    metrics: metrics.table(config.resource, config.table),
    loaded: false,
    checkpoint: undefined,
    resnapshot: false,
    snapshot: undefined,
    caughtUp: false,
    failures: 0,
    retryAt: 0,
  }));

  async function write(run: TableRun, batch: ChangeBatch, next: Checkpoint): Promise<void> {
    await sink.write(batch);
    run.checkpoint = next;
    const at = Date.now();
    // Counted without reading `changes`: changes that travel encoded are decoded only when read.
    const n = changeCount(batch);
    run.metrics.rowsCaptured += n;
    run.metrics.batchesWritten++;
    run.metrics.lastSuccessAt = at;
    metrics.rowsCaptured += n;
    metrics.batchesWritten++;
    metrics.lastSuccessAt = at;
    emit({
      type: 'batch',
      resource: run.config.resource,
      table: run.config.table,
      phase: batch.snapshot ? 'snapshot' : 'incremental',
      changes: n,
    });
  }

  async function load(run: TableRun): Promise<void> {
    const stored = await sink.cursor(run.config.resource);
    run.loaded = true;
    if (stored !== undefined) run.checkpoint = source.checkpoint.decode(stored, run.config);
  }

  async function snapshotTurn(run: TableRun): Promise<'more' | 'idle'> {
    const cp = run.checkpoint as Extract<Checkpoint, { phase: 'snapshot' }>;
    const { config } = run;
    if (!run.snapshot) {
      const iterable = source.snapshot(config, {
        chunkSize: batchSize,
        position: cp.position,
        ...(cp.afterKey ? { afterKey: cp.afterKey } : {}),
        ...(signal ? { signal } : {}),
      });
      run.snapshot = { iterator: iterable[Symbol.asyncIterator](), first: cp.afterKey === undefined };
      if (run.snapshot.first) run.metrics.snapshotRows = 0;
    }
    run.metrics.phase = 'snapshot';
    // One chunk per call of snapshotChunk: a chunk is referenced by that call's frame only, so it can be
    // collected as soon as it is written rather than stay reachable while the next one is read.
    for (let i = 0; i < maxTurn && !signal?.aborted; i++) {
      if (await snapshotChunk(run, run.snapshot, cp)) return 'more';
    }
    return 'more';
  }

  /** Reads and writes one snapshot chunk; true when it was the last. */
  async function snapshotChunk(
    run: TableRun,
    snapshot: NonNullable<TableRun['snapshot']>,
    cp: Extract<Checkpoint, { phase: 'snapshot' }>,
  ): Promise<boolean> {
    const { config } = run;
    const r = await snapshot.iterator.next();
    const chunk: SnapshotChunk = r.done
      ? { changes: [], position: cp.position, done: true, columns: cp.columns ?? [] }
      : r.value;
    const base = { table: config.table, strategy: config.strategy.kind, columns: chunk.columns };
    const incremental: Checkpoint = { phase: 'incremental', ...base, position: chunk.position };
    run.metrics.snapshotRows += changeCount(chunk);
    if (!chunk.done) {
      const next: Checkpoint = {
        phase: 'snapshot',
        ...base,
        position: chunk.position,
        ...(chunk.lastKey ? { afterKey: chunk.lastKey } : {}),
      };
      await write(run, batchOf(run, chunk, snapshot.first ? 'begin' : 'continue', next), next);
      snapshot.first = false;
      return false;
    }
    if (snapshot.first) {
      // One chunk is the whole table: it begins the epoch, an empty batch ends it.
      const next: Checkpoint = {
        phase: 'snapshot',
        ...base,
        position: chunk.position,
        ...(chunk.lastKey ? { afterKey: chunk.lastKey } : {}),
      };
      await write(run, batchOf(run, chunk, 'begin', next), next);
      await write(
        run,
        {
          resource: config.resource,
          changes: [],
          cursor: source.checkpoint.encode(incremental),
          snapshot: 'end',
        },
        incremental,
      );
    } else {
      await write(run, batchOf(run, chunk, 'end', incremental), incremental);
    }
    await snapshot.iterator.return?.();
    run.snapshot = undefined;
    run.metrics.phase = 'incremental';
    emit({
      type: 'snapshot-completed',
      resource: config.resource,
      table: config.table,
      rows: run.metrics.snapshotRows,
    });
    return true;
  }

  function batchOf(
    run: TableRun,
    chunk: SnapshotChunk,
    framing: ChangeBatch['snapshot'],
    next: Checkpoint,
  ): ChangeBatch {
    return sameChanges(
      {
        resource: run.config.resource,
        cursor: source.checkpoint.encode(next),
        ...(framing ? { snapshot: framing } : {}),
      },
      chunk,
    );
  }

  async function incrementalTurn(run: TableRun): Promise<'more' | 'idle'> {
    run.metrics.phase = 'incremental';
    // One read per call of incrementalRead, for the reason given in snapshotTurn.
    for (let i = 0; i < maxTurn && !signal?.aborted; i++) {
      if (!(await incrementalRead(run))) return 'idle';
    }
    return 'more';
  }

  /** Reads and writes one batch of changes; false when the table is caught up. */
  async function incrementalRead(run: TableRun): Promise<boolean> {
    const { config } = run;
    const cp = run.checkpoint!;
    const readAt = Date.now();
    const read = await source.changes(config, cp.position, { limit: batchSize });
    const shapeChanged = cp.columns !== undefined && !sameColumns(cp.columns, read.columns);
    if (shapeChanged) {
      emit({
        type: 'schema-changed',
        resource: config.resource,
        table: config.table,
        added: read.columns.filter((c) => !cp.columns!.includes(c)),
        removed: cp.columns!.filter((c) => !read.columns.includes(c)),
      });
    }
    const next: Checkpoint = {
      phase: 'incremental',
      table: config.table,
      strategy: config.strategy.kind,
      position: read.position,
      columns: read.columns,
    };
    if (changeCount(read) > 0 || read.commit || shapeChanged) {
      await write(
        run,
        sameChanges({ resource: config.resource, cursor: source.checkpoint.encode(next) }, read),
        next,
      );
    } else {
      // Nothing to send: the position is kept in memory only (a restart redoes this empty read).
      run.checkpoint = next;
      run.metrics.lastSuccessAt = Date.now();
    }
    if (!read.more) {
      run.metrics.lastCaughtUpAt = readAt;
      if (!run.caughtUp) emit({ type: 'caught-up', resource: config.resource, table: config.table });
      return false;
    }
    return true;
  }

  async function step(run: TableRun): Promise<'more' | 'idle'> {
    if (!run.loaded) await load(run);
    if (!run.checkpoint) {
      const { config } = run;
      emit({
        type: 'snapshot-started',
        resource: config.resource,
        table: config.table,
        reason: run.resnapshot ? 'resnapshot' : 'initial',
      });
      const position = await source.watermark(config);
      run.checkpoint = { phase: 'snapshot', table: config.table, strategy: config.strategy.kind, position };
      run.resnapshot = false;
    }
    return run.checkpoint.phase === 'snapshot' ? snapshotTurn(run) : incrementalTurn(run);
  }

  async function dropSnapshot(run: TableRun): Promise<void> {
    const it = run.snapshot?.iterator;
    run.snapshot = undefined;
    await it?.return?.().catch(() => undefined);
  }

  async function failed(run: TableRun, err: unknown): Promise<void> {
    const { config } = run;
    const at = Date.now();
    run.metrics.errors++;
    metrics.errors++;
    run.metrics.lastError = {
      ...(isFerryError(err) ? { code: err.code } : {}),
      message: (err as Error)?.message ?? String(err),
      at,
    };
    await dropSnapshot(run);
    if (isFerryError(err, 'FERRY_CURSOR_INVALID') || isFerryError(err, 'FERRY_CURSOR_EXPIRED')) {
      emit({
        type: 'cursor-invalid',
        resource: config.resource,
        table: config.table,
        error: err,
        action: onInvalidCursor,
      });
      if (onInvalidCursor === 'fail') {
        run.metrics.phase = 'failed';
        throw err;
      }
      run.checkpoint = undefined;
      run.loaded = true;
      run.resnapshot = true;
      return;
    }
    if (isFerryError(err, 'FERRY_CONFIG_INVALID') || options.once) {
      run.metrics.phase = 'failed';
      throw err;
    }
    run.failures++;
    const delay = Math.min(retryMax, retryInitial * 2 ** (run.failures - 1));
    run.retryAt = at + delay;
    // The position in memory may be ahead of the sink's; start again from what the sink holds.
    run.loaded = false;
    run.checkpoint = undefined;
    emit({ type: 'error', resource: config.resource, table: config.table, error: err, retryInMs: delay });
  }

  try {
    while (!signal?.aborted) {
      let more = false;
      let waiting = false;
      for (const run of runs) {
        if (signal?.aborted) break;
        if (run.retryAt > Date.now()) {
          waiting = true;
          continue;
        }
        try {
          const r = await step(run);
          run.failures = 0;
          run.caughtUp = r === 'idle';
          if (r === 'more') more = true;
        } catch (err) {
          run.caughtUp = false;
          await failed(run, err);
          // A resnapshot starts at once; a transient error waits for its back-off.
          if (run.retryAt <= Date.now()) more = true;
          else waiting = true;
        }
      }
      if (signal?.aborted) break;
      if (more) continue;
      if (options.once && runs.every((r) => r.caughtUp)) break;
      if (!waiting) options.onHeartbeat?.(metrics.snapshot());
      const nextRetry = Math.min(
        ...runs.map((r) => (r.retryAt > Date.now() ? r.retryAt - Date.now() : Number.POSITIVE_INFINITY)),
      );
      await sleep(Math.min(pollIntervalMs, nextRetry), signal);
    }
  } finally {
    for (const run of runs) await dropSnapshot(run);
    emit({ type: 'stopped' });
  }
}

function validate(tables: readonly TableConfig[], batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new FerryError('FERRY_CONFIG_INVALID', `batchSize must be a positive integer, not ${batchSize}`, {
      location: { field: 'batchSize' },
    });
  }
  const seen = new Map<string, number>();
  tables.forEach((t, i) => {
    if (!t.resource)
      throw new FerryError('FERRY_CONFIG_INVALID', `tables[${i}].resource is required`, {
        location: { field: `tables[${i}].resource` },
      });
    const first = seen.get(t.resource);
    if (first !== undefined) {
      throw new FerryError(
        'FERRY_CONFIG_INVALID',
        `tables[${i}] and tables[${first}] both send resource ${t.resource}; each resource has one cursor`,
        {
          location: { field: `tables[${i}].resource` },
        },
      );
    }
    seen.set(t.resource, i);
  });
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  // An abort rejects the timer; here it only ends the wait early.
  return delay(ms, undefined, signal ? { signal } : undefined).then(
    () => {},
    () => {},
  );
}
