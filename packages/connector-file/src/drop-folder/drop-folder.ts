// The drop-folder daemon core: watches a folder, waits until each export is completely written, and
// processes exports one at a time in order through a FileResource per resource. A library function for
// now; `ferry connector run` will wrap it.
import { existsSync, type FSWatcher, mkdirSync, readdirSync, rmSync, statSync, watch } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ChangeSink } from '@ferry/sdk/connector';
import { FerryError } from '@ferry/sdk/errors';
import {
  parseResourceConfig,
  type ResourceConfig,
  type ResourceConfigInput,
} from '../config/resource-config.js';
import { type FileOutcome, FileResource } from '../process/file-resource.js';
import { FolderLock } from './lock.js';
import { fileMatcher, isIgnoredName } from './match.js';
import { Readiness } from './readiness.js';

/** One resource served by a drop folder. */
export interface DropFolderResource {
  /** The resource configuration; validated with {@link parseResourceConfig}. */
  config: ResourceConfigInput | ResourceConfig;
  /** File names of this resource: a glob (`人口_*.csv`) or a RegExp; by default the format's extensions. */
  files?: string | RegExp;
}

/** Options of {@link createDropFolder}. */
export interface DropFolderOptions {
  /** The folder exports are dropped into. */
  dir: string;
  resources: readonly DropFolderResource[];
  /** Where batches go: the durable outbox in production. */
  sink: ChangeSink;
  /** State, journals and work files (default `<dir>/.ferry`). */
  stateDir?: string;
  /** Processed exports (default `<dir>/processed`). */
  processedDir?: string;
  /** Rejected exports with `<file>.reason.json` (default `<dir>/quarantine`). */
  quarantineDir?: string;
  /** Watch with fs.watch besides polling (default true); polling alone suits network shares. */
  watch?: boolean;
  /** Poll interval in ms (default 2000). */
  pollIntervalMs?: number;
  /** A file is complete once its size and mtime are unchanged this long (default 5000 ms). */
  stableMs?: number;
  /** When set (e.g. `.done` or `.ok`), a file is complete only once `<file><marker>` exists. */
  marker?: string;
  /** Processing order within the folder (default `name`). */
  order?: 'name' | 'mtime';
  /** Changes per batch (default 1000). */
  batchSize?: number;
  /** `reject-file`: bad rows listed before giving up on a file (default 100). */
  maxBadRows?: number;
  /** Target diff bucket size in bytes (default 16 MiB). */
  bucketBytes?: number;
  /** Called for every processed, quarantined or failed file. */
  onEvent?: (event: DropFolderEvent) => void;
}

/** What a drop folder reports. */
export type DropFolderEvent =
  | { type: 'processed'; outcome: FileOutcome }
  | { type: 'quarantined'; outcome: FileOutcome }
  | { type: 'error'; file?: string; error: unknown };

/** A running (or runnable) drop folder. */
export interface DropFolder {
  /** Takes the folder's lock, finishes any half-done export, then watches and polls until {@link close}. */
  start(): Promise<void>;
  /** Processes every export that is complete now, in order, and returns what became of them. */
  runOnce(): Promise<FileOutcome[]>;
  /** Stops watching, lets the batch in flight finish, and releases the lock. Safe to call twice. */
  close(): Promise<void>;
}

interface Served {
  resource: FileResource;
  matches: (name: string) => boolean;
}

/**
 * Creates the daemon core of a drop folder. No I/O happens until {@link DropFolder.start} or
 * {@link DropFolder.runOnce}.
 *
 * @example
 * ```ts
 * const folder = createDropFolder({
 *   dir: '/data/drop/renkou',
 *   resources: [{ config: { resource: 'RK-0001', format: 'csv', encoding: 'gbk', columns, key: ['id'] } }],
 *   sink: outbox,
 *   marker: '.ok',
 * });
 * await folder.start();
 * // …
 * await folder.close();
 * ```
 */
export function createDropFolder(options: DropFolderOptions): DropFolder {
  // Absolute paths: the journal records where the file was, and a restart may run from another folder.
  const dir = resolve(options.dir);
  const stateDir = resolve(options.stateDir ?? join(dir, '.ferry'));
  const processedDir = resolve(options.processedDir ?? join(dir, 'processed'));
  const quarantineDir = resolve(options.quarantineDir ?? join(dir, 'quarantine'));
  const abort = new AbortController();
  const readiness = new Readiness(options.stableMs ?? 5000);
  const lock = new FolderLock(join(stateDir, 'daemon.lock'));
  const served: Served[] = options.resources.map((r, i) => {
    const config = parseResourceConfig(r.config, `resources[${i}]`);
    return {
      matches: fileMatcher(r.files, config.format),
      resource: new FileResource({
        config,
        stateDir: join(stateDir, encodeURIComponent(config.resource)),
        sink: options.sink,
        processedDir,
        quarantineDir,
        signal: abort.signal,
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
        ...(options.maxBadRows !== undefined ? { maxBadRows: options.maxBadRows } : {}),
        ...(options.bucketBytes !== undefined ? { bucketBytes: options.bucketBytes } : {}),
      }),
    };
  });
  const codes = new Set<string>();
  for (const s of served) {
    if (codes.has(s.resource.config.resource))
      throw new FerryError(
        'FERRY_CONFIG_INVALID',
        `resource ${s.resource.config.resource} is configured twice`,
      );
    codes.add(s.resource.config.resource);
  }

  let opened = false;
  let closed = false;
  let running: Promise<FileOutcome[]> | undefined;
  let again = false;
  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;

  const emit = (event: DropFolderEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's failure must not stop the folder.
    }
  };

  const open = async () => {
    if (opened) return;
    mkdirSync(stateDir, { recursive: true });
    lock.acquire();
    opened = true;
    for (const s of served) {
      const outcome = await s.resource.recover();
      if (outcome) emit({ type: outcome.status, outcome });
    }
  };

  /** Files that are complete now, in processing order; a resource stops at its first incomplete file. */
  const readyFiles = (): Array<{ path: string; name: string; served: Served }> => {
    const now = Date.now();
    const names = readdirSync(dir);
    const present = new Set(names);
    readiness.retain(present);
    const candidates: Array<{ path: string; name: string; served: Served; mtimeMs: number; ready: boolean }> =
      [];
    for (const name of names) {
      if (isIgnoredName(name, options.marker)) continue;
      const s = served.find((x) => x.matches(name));
      if (!s) continue;
      const path = join(dir, name);
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      if (!st.isFile()) continue;
      const ready = options.marker
        ? present.has(`${name}${options.marker}`)
        : readiness.observe(name, st, now);
      candidates.push({ path, name, served: s, mtimeMs: st.mtimeMs, ready });
    }
    candidates.sort((a, b) =>
      options.order === 'mtime' ? a.mtimeMs - b.mtimeMs || cmp(a.name, b.name) : cmp(a.name, b.name),
    );
    const blocked = new Set<Served>();
    const out: Array<{ path: string; name: string; served: Served }> = [];
    for (const c of candidates) {
      if (blocked.has(c.served)) continue;
      // Snapshots must be applied in order: never skip ahead of an export still being written.
      if (!c.ready) blocked.add(c.served);
      else out.push(c);
    }
    return out;
  };

  const runPass = async (): Promise<FileOutcome[]> => {
    await open();
    const outcomes: FileOutcome[] = [];
    for (const f of readyFiles()) {
      if (closed) break;
      try {
        const outcome = await f.served.resource.process(f.path);
        readiness.forget(f.name);
        if (options.marker) rmSync(join(dir, `${f.name}${options.marker}`), { force: true });
        outcomes.push(outcome);
        emit({ type: outcome.status, outcome });
      } catch (error) {
        if (closed) break;
        // The sink or the disk failed: the file stays, and the next pass retries (journal included).
        emit({ type: 'error', file: f.name, error });
        break;
      }
    }
    return outcomes;
  };

  const runOnce = async (): Promise<FileOutcome[]> => {
    if (closed) throw new FerryError('FERRY_INVALID_ARGUMENT', 'the drop folder is closed');
    while (running) await running.catch(() => undefined);
    running = runPass();
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };

  const kick = () => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    void runOnce()
      .catch((error: unknown) => emit({ type: 'error', error }))
      .then(() => {
        if (again && !closed) {
          again = false;
          kick();
        }
      });
  };

  return {
    async start() {
      if (closed) throw new FerryError('FERRY_INVALID_ARGUMENT', 'the drop folder is closed');
      if (!existsSync(dir)) throw new FerryError('FERRY_NOT_FOUND', `drop folder ${dir} does not exist`);
      await open();
      if (options.watch !== false) {
        try {
          watcher = watch(dir, () => kick());
          watcher.on('error', () => undefined);
        } catch {
          // fs.watch is not available on every filesystem; polling still runs.
        }
      }
      timer = setInterval(kick, options.pollIntervalMs ?? 2000);
      kick();
    },
    runOnce,
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      watcher?.close();
      abort.abort();
      while (running) await running.catch(() => undefined);
      if (opened) lock.release();
    },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
