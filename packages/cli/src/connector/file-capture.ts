// Capture from a drop folder (`source.kind: file`): passes of @ferry/connector-file's drop folder on the
// schedule, reported through the same ConnectorMetrics the SQL runner fills, so health and metrics are one.
import { createDropFolder, type DropFolderEvent, type FileOutcome } from '@ferry/connector-file';
import type { ChangeSink, ConnectorMetrics } from '@ferry/sdk';
import { sleep } from '../util/sleep.js';
import type { FileSourceSection } from './config-schema.js';
import type { Logger } from './logger.js';

/** Options of {@link runFileCapture}. */
export interface FileCaptureOptions {
  section: FileSourceSection;
  sink: ChangeSink;
  metrics: ConnectorMetrics;
  /** Pause between passes. */
  intervalMs: number;
  batchSize: number;
  signal: AbortSignal;
  /** Return once a pass finds nothing to process (the first two passes `stableSeconds` apart). */
  untilIdle: boolean;
  log: Logger;
  onError: (code: string) => void;
  onRows: (resource: string, rows: number) => void;
  /** Called after a pass that found nothing to process. */
  onIdle: () => void;
}

/**
 * Processes the drop folder until `signal` aborts: each pass takes the exports complete by then, in order,
 * and hands their changes to the sink. A file that fails stays in the folder for the next pass.
 */
export async function runFileCapture(options: FileCaptureOptions): Promise<void> {
  const { section, metrics, log } = options;
  const stableMs = Math.round((section.stableSeconds ?? 5) * 1000);
  const resources = section.resources.map(({ files, ...config }) => ({
    config: config as never,
    ...(files ? { files: fileMatcher(files) } : {}),
  }));
  for (const r of section.resources)
    metrics.table(String(r.resource), r.files ?? `${section.dir}/*.${String(r.format)}`);
  let passFailed = false;
  const folder = createDropFolder({
    dir: section.dir,
    resources,
    sink: options.sink,
    stableMs,
    batchSize: options.batchSize,
    ...(section.marker ? { marker: section.marker } : {}),
    ...(section.order ? { order: section.order } : {}),
    ...(section.stateDir ? { stateDir: section.stateDir } : {}),
    ...(section.processedDir ? { processedDir: section.processedDir } : {}),
    ...(section.quarantineDir ? { quarantineDir: section.quarantineDir } : {}),
    onEvent: (event: DropFolderEvent) => {
      if (event.type === 'error') {
        passFailed = true;
        const code = (event.error as { code?: string })?.code ?? 'FERRY_FILE_ERROR';
        options.onError(code);
        const at = Date.now();
        for (const t of metrics.tables.values()) {
          t.errors++;
          t.lastError = { code, message: (event.error as Error)?.message ?? String(event.error), at };
        }
        metrics.errors++;
        log.error({ err: event.error, file: event.file }, 'file export failed; it stays for the next pass');
        return;
      }
      recordOutcome(event.outcome);
    },
  });

  function recordOutcome(outcome: FileOutcome & { resource?: string }) {
    const changes = outcome.upserts + outcome.deletes;
    const resource = resourceOf(outcome.file);
    const t = resource ? metrics.tables.get(resource) : undefined;
    if (t) {
      t.rowsCaptured += changes;
      t.batchesWritten++;
      t.phase = 'incremental';
      if (outcome.snapshot) t.snapshotRows = outcome.rows;
    }
    metrics.rowsCaptured += changes;
    if (resource) options.onRows(resource, changes);
    const fields = {
      file: outcome.file,
      resource,
      rows: outcome.rows,
      upserts: outcome.upserts,
      deletes: outcome.deletes,
      unchanged: outcome.unchanged,
      badRows: outcome.badRows,
      snapshot: outcome.snapshot,
      movedTo: outcome.movedTo,
    };
    if (outcome.status === 'quarantined') {
      log.warn({ ...fields, reason: outcome.reason }, 'file export quarantined');
    } else log.info(fields, 'file export processed');
  }

  function resourceOf(file: string): string | undefined {
    const name = file.split(/[\\/]/).pop() ?? file;
    const i = resources.findIndex((r, n) => {
      const pattern = r.files ?? defaultPattern(String(section.resources[n]!.format));
      return pattern.test(name);
    });
    return i < 0 ? undefined : String(section.resources[i]!.resource);
  }

  try {
    let passes = 0;
    while (!options.signal.aborted) {
      passFailed = false;
      const outcomes = await folder.runOnce();
      passes++;
      if (!passFailed) {
        const at = Date.now();
        for (const t of metrics.tables.values()) {
          t.lastSuccessAt = at;
          t.lastCaughtUpAt = at;
          if (t.phase === 'pending') t.phase = 'incremental';
        }
        metrics.lastSuccessAt = at;
      }
      if (outcomes.length === 0 && !passFailed) options.onIdle();
      if (options.untilIdle && passes >= 2 && outcomes.length === 0) return;
      // --until-idle: the second pass waits for files first seen in the first one to be stable; after a pass
      // that processed something the next one runs at once (more exports may have become ready).
      const pause = !options.untilIdle ? options.intervalMs : passes === 1 ? stableMs : 0;
      await sleep(pause, options.signal);
    }
  } finally {
    await folder.close();
  }
}

/** `/…/` is a regular expression, anything else a glob of `*` and `?`. */
function fileMatcher(files: string): RegExp {
  const regex = /^\/(.*)\/([a-z]*)$/.exec(files);
  if (regex) return new RegExp(regex[1]!, regex[2]);
  const escaped = files
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, 'u');
}

/** The drop folder's default: a file of the format's extensions. */
function defaultPattern(format: string): RegExp {
  const extensions: Record<string, string> = { tsv: 'tsv|tab|txt', ndjson: 'ndjson|jsonl' };
  return new RegExp(`\\.(?:${extensions[format] ?? format})$`, 'i');
}
