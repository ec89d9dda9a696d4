// Processes the exports of one resource, one file at a time, so that a crash at any point loses nothing
// and sends nothing twice:
//
//   1. scan + diff into work files (nothing sent yet; a crash here just starts the file again)
//   2. journal written (fsync + rename): the spool, the new state and the file's destination are durable
//   3. batches sent; each batch carries a cursor (export hash, generation, offset) the sink commits with it
//   4. new state renamed into place (commits the diff state and the export's processing record together)
//   5. file moved to processed/, journal removed
//
// On start-up a journal means steps 3–5 are unfinished: sending resumes from the sink's cursor, and steps
// 4 and 5 are skipped when already done.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ChangeSink } from '@ferry/sdk/connector';
import { FerryError, isFerryError } from '@ferry/sdk/errors';
import type { ResourceConfig } from '../config/resource-config.js';
import { bucketCountFor } from '../diff/buckets.js';
import { diffBuckets } from '../diff/diff-buckets.js';
import { SpoolWriter } from '../diff/spool.js';
import { readStateHeader, type StateHeader, StateReader, StateWriter } from '../diff/state-file.js';
import { renameDurable, writeFileAtomic } from '../fs/atomic.js';
import type { BadRow } from '../rows/bad-row.js';
import { RowMapper } from '../rows/row-mapper.js';
import { BadRowLog, StopReading } from './bad-row-log.js';
import { decodeCursor } from './cursor.js';
import { emitChanges } from './emit.js';
import { type Journal, readJournal, removeJournal, writeJournal } from './journal.js';
import { uniqueTarget } from './paths.js';
import { scanFile } from './scan.js';

/** Options of {@link FileResource}. */
export interface FileResourceOptions {
  config: ResourceConfig;
  /** This resource's own folder for its state, journal and work files. */
  stateDir: string;
  sink: ChangeSink;
  processedDir: string;
  quarantineDir: string;
  /** Changes per batch handed to the sink (default 1000). */
  batchSize?: number;
  /** `reject-file`: stop reading after this many bad rows (default 100). */
  maxBadRows?: number;
  /** Target size of one diff bucket in bytes (default 16 MiB); memory use follows it. */
  bucketBytes?: number;
  signal?: AbortSignal;
}

/** Why a file went to quarantine, as written to `<file>.reason.json`. */
export interface QuarantineReason {
  file: string;
  resource: string;
  code: string;
  message: string;
  location?: { file?: string; line?: number; column?: number; offset?: number };
  encoding?: string;
  sha256?: string;
  badRows?: number;
  firstBadRows?: BadRow[];
  at: string;
}

/** What became of one file. */
export interface FileOutcome {
  file: string;
  status: 'processed' | 'quarantined';
  /** Where the file is now. */
  movedTo: string;
  sha256?: string;
  encoding?: string;
  /** Good rows read. */
  rows: number;
  upserts: number;
  deletes: number;
  unchanged: number;
  badRows: number;
  firstBadRows: BadRow[];
  /** True when the changes were framed as a full snapshot (first export, or the configuration changed). */
  snapshot: boolean;
  generation?: number;
  /** True when this outcome finishes a file a previous process left half done. */
  recovered?: boolean;
  reason?: QuarantineReason;
}

const FILE_ERRORS = new Set(['FERRY_FILE_DECODE', 'FERRY_FILE_MALFORMED', 'FERRY_FILE_ROW_INVALID']);

/** Hash of what shapes the rows sent: when it changes, the next export is sent as a full snapshot. */
export function configFingerprint(config: ResourceConfig): string {
  const shape = {
    columns: config.columns,
    key: config.key,
    mode: config.mode,
    timezone: config.timezone ?? null,
  };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex');
}

export class FileResource {
  private readonly o: Required<Omit<FileResourceOptions, 'signal'>> & { signal: AbortSignal | undefined };
  private readonly statePath: string;
  private readonly journalPath: string;
  private readonly workDir: string;

  constructor(options: FileResourceOptions) {
    this.o = {
      batchSize: 1000,
      maxBadRows: 100,
      bucketBytes: 16 * 1024 * 1024,
      ...options,
      signal: options.signal,
    };
    this.statePath = join(options.stateDir, 'state.bin');
    this.journalPath = join(options.stateDir, 'journal.json');
    this.workDir = join(options.stateDir, 'work');
  }

  get config(): ResourceConfig {
    return this.o.config;
  }

  /** Finishes a file a previous process left half done (see the module comment); undefined when none. */
  async recover(): Promise<FileOutcome | undefined> {
    const journal = readJournal(this.journalPath);
    if (!journal) return undefined;
    return { ...(await this.finish(journal)), recovered: true };
  }

  /** Reads, checks, diffs and sends one export, then moves it to processed/ or quarantine/. */
  async process(path: string): Promise<FileOutcome> {
    const { config } = this.o;
    const file = basename(path);
    await this.recover();
    mkdirSync(this.o.stateDir, { recursive: true });
    rmSync(this.workDir, { recursive: true, force: true });
    mkdirSync(this.workDir, { recursive: true });

    const previous = readStateHeader(this.statePath);
    const fingerprint = configFingerprint(config);
    const mapper = new RowMapper(config, file);
    const reject = config.onBadRow === 'reject-file';
    const badRows = new BadRowLog(
      join(this.workDir, 'bad-rows.ndjson'),
      reject ? this.o.maxBadRows : undefined,
    );
    const size = statSync(path).size;
    // Entries take about twice the file's bytes (UTF-8 of GBK text, hashes); a workbook unzips to ~10×.
    const estimate = size * (config.format === 'xlsx' ? 10 : 2);

    let scan: Awaited<ReturnType<typeof scanFile>>;
    try {
      scan = await scanFile({
        path,
        fileName: file,
        config,
        mapper,
        badRows,
        workDir: this.workDir,
        bucketCount: bucketCountFor(estimate, this.o.bucketBytes),
        signal: this.o.signal,
      });
    } catch (err) {
      if (err instanceof StopReading) return this.reject(path, badRows, undefined);
      if (isFerryError(err) && FILE_ERRORS.has(err.code)) {
        badRows.close();
        return this.quarantine(
          path,
          {
            code: err.code,
            message: err.message,
            ...(err.location ? { location: err.location } : {}),
            ...(typeof err.details?.encoding === 'string' ? { encoding: err.details.encoding } : {}),
            ...(badRows.count > 0 ? { badRows: badRows.count, firstBadRows: badRows.sample } : {}),
          },
          badRows,
        );
      }
      badRows.close();
      throw err;
    }
    if (reject && badRows.count > 0) return this.reject(path, badRows, scan.sha256);

    const compare =
      config.mode === 'snapshot' &&
      previous !== undefined &&
      previous.header.mode === 'snapshot' &&
      previous.header.fingerprint === fingerprint;
    const generation = (previous?.header.generation ?? 0) + 1;
    const header: StateHeader = {
      version: 1,
      resource: config.resource,
      generation,
      fingerprint,
      mode: config.mode,
      keyNames: [...config.key],
      source: { file, sha256: scan.sha256, rows: scan.rows, processedAt: new Date().toISOString() },
    };
    const newState = join(this.workDir, `state-${generation}.bin`);
    const spoolPath = join(this.workDir, 'changes.spool');
    const stateWriter = new StateWriter(newState, header);
    const spool = new SpoolWriter(spoolPath);
    const prevReader = compare ? new StateReader(this.statePath) : undefined;
    let counts: ReturnType<typeof diffBuckets>;
    try {
      counts = diffBuckets({
        buckets: scan.buckets,
        previous: prevReader,
        state: config.mode === 'snapshot' ? stateWriter : undefined,
        spool,
        onDuplicate: (line, firstLine, keyText) =>
          badRows.add({
            file,
            line,
            reason: 'key-duplicate',
            message: `key ${keyText} already appears at line ${firstLine}`,
          }),
      });
    } catch (err) {
      if (err instanceof StopReading) return this.reject(path, badRows, scan.sha256);
      throw err;
    } finally {
      prevReader?.close();
      stateWriter.close();
      spool.close();
    }
    if (reject && badRows.count > 0) return this.reject(path, badRows, scan.sha256);
    const hasReport = badRows.close();

    const journal: Journal = {
      v: 1,
      file,
      source: path,
      sha256: scan.sha256,
      encoding: scan.encoding,
      generation,
      snapshot: !compare && config.mode === 'snapshot',
      total: spool.count,
      rows: scan.rows - counts.duplicates,
      upserts: counts.upserts,
      deletes: counts.deletes,
      unchanged: counts.unchanged,
      badRows: badRows.count,
      keyNames: compare ? previous!.header.keyNames : [...config.key],
      spool: spoolPath,
      newState,
      badRowReport: hasReport ? badRows.path : undefined,
      processedTarget: uniqueTarget(this.o.processedDir, file),
    };
    writeJournal(this.journalPath, journal);
    return { ...(await this.finish(journal)), firstBadRows: badRows.sample };
  }

  /** Steps 3–5 of the module comment; each is skipped when already done. */
  private async finish(j: Journal): Promise<FileOutcome> {
    const committed = readStateHeader(this.statePath)?.header.generation === j.generation;
    if (!committed) {
      if (!existsSync(j.spool) || !existsSync(j.newState)) {
        throw new FerryError(
          'FERRY_FILE_STATE',
          `${this.journalPath}: the work files of ${j.file} are missing; remove the journal to process the file again`,
          { location: { file: this.journalPath } },
        );
      }
      const cursor = decodeCursor(await this.o.sink.cursor(this.o.config.resource));
      const mine = cursor !== undefined && cursor.sha256 === j.sha256 && cursor.generation === j.generation;
      if (!(mine && cursor.done)) {
        await emitChanges({
          sink: this.o.sink,
          resource: this.o.config.resource,
          spoolPath: j.spool,
          total: j.total,
          from: mine ? cursor.offset : 0,
          begun: mine,
          snapshot: j.snapshot,
          batchSize: this.o.batchSize,
          mapper: new RowMapper(this.o.config, j.file),
          keyNames: j.keyNames,
          file: j.file,
          sha256: j.sha256,
          generation: j.generation,
          signal: this.o.signal,
        });
      }
      renameDurable(j.newState, this.statePath);
    }
    mkdirSync(this.o.processedDir, { recursive: true });
    if (j.badRowReport && existsSync(j.badRowReport))
      renameDurable(j.badRowReport, `${j.processedTarget}.bad-rows.ndjson`);
    if (existsSync(j.source)) renameDurable(j.source, j.processedTarget);
    rmSync(this.workDir, { recursive: true, force: true });
    removeJournal(this.journalPath);
    return {
      file: j.file,
      status: 'processed',
      movedTo: j.processedTarget,
      sha256: j.sha256,
      ...(j.encoding ? { encoding: j.encoding } : {}),
      rows: j.rows,
      upserts: j.upserts,
      deletes: j.deletes,
      unchanged: j.unchanged,
      badRows: j.badRows,
      firstBadRows: [],
      snapshot: j.snapshot,
      generation: j.generation,
    };
  }

  private reject(path: string, badRows: BadRowLog, sha256: string | undefined): FileOutcome {
    badRows.close();
    const first = badRows.sample[0];
    return this.quarantine(
      path,
      {
        code: 'FERRY_FILE_ROW_INVALID',
        message: `${badRows.count}${badRows.count >= this.o.maxBadRows ? '+' : ''} bad row(s) and onBadRow is reject-file; first: ${first ? describe(first) : '?'}`,
        ...(first?.line !== undefined
          ? {
              location: {
                file: first.file,
                line: first.line,
                ...(first.column ? { column: first.column.index } : {}),
              },
            }
          : {}),
        ...(sha256 ? { sha256 } : {}),
        badRows: badRows.count,
        firstBadRows: badRows.sample,
      },
      badRows,
    );
  }

  private quarantine(
    path: string,
    reason: Omit<QuarantineReason, 'file' | 'resource' | 'at'>,
    badRows: BadRowLog,
  ): FileOutcome {
    const file = basename(path);
    mkdirSync(this.o.quarantineDir, { recursive: true });
    const target = uniqueTarget(this.o.quarantineDir, file);
    const full: QuarantineReason = {
      file,
      resource: this.o.config.resource,
      ...reason,
      at: new Date().toISOString(),
    };
    writeFileAtomic(`${target}.reason.json`, `${JSON.stringify(full, null, 2)}\n`);
    if (badRows.count > 0 && existsSync(badRows.path))
      renameDurable(badRows.path, `${target}.bad-rows.ndjson`);
    renameDurable(path, target);
    rmSync(this.workDir, { recursive: true, force: true });
    return {
      file,
      status: 'quarantined',
      movedTo: target,
      ...(reason.sha256 ? { sha256: reason.sha256 } : {}),
      ...(reason.encoding ? { encoding: reason.encoding } : {}),
      rows: 0,
      upserts: 0,
      deletes: 0,
      unchanged: 0,
      badRows: reason.badRows ?? 0,
      firstBadRows: reason.firstBadRows ?? [],
      snapshot: false,
      reason: full,
    };
  }
}

function describe(b: BadRow): string {
  const at = b.line !== undefined ? `line ${b.line}` : b.record !== undefined ? `record ${b.record}` : '';
  return `${at}${b.column ? ` column ${b.column.index} (${b.column.name})` : ''}: ${b.message}`;
}
