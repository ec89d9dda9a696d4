import { dirname, join, resolve } from 'node:path';
import type { ChangeSink } from '@ferry/sdk/connector';
import {
  parseResourceConfig,
  type ResourceConfig,
  type ResourceConfigInput,
} from '../config/resource-config.js';
import { type FileOutcome, FileResource } from './file-resource.js';

/** Options of {@link processFile}. */
export interface ProcessFileOptions {
  /** Path of the export. */
  file: string;
  config: ResourceConfigInput | ResourceConfig;
  sink: ChangeSink;
  /** The resource's state folder (diff state, journal, work files); keep it between exports. */
  stateDir: string;
  /** Default: `processed/` beside the file. */
  processedDir?: string;
  /** Default: `quarantine/` beside the file. */
  quarantineDir?: string;
  /** Changes per batch (default 1000). */
  batchSize?: number;
  /** `reject-file`: bad rows listed before giving up (default 100). */
  maxBadRows?: number;
  /** Target diff bucket size in bytes (default 16 MiB). */
  bucketBytes?: number;
  signal?: AbortSignal;
}

/**
 * Processes one export of a resource: finishes any export a previous process left half done, then reads,
 * checks and diffs this one against the previous export's state, sends the changes to the sink in batches,
 * and moves the file to processed/ (or quarantine/ with a reason file).
 *
 * @example
 * ```ts
 * const outcome = await processFile({
 *   file: '/data/drop/人口_20261126.csv',
 *   config: { resource: 'RK-0001', format: 'csv', encoding: 'gbk', columns, key: ['id'] },
 *   sink: outbox,
 *   stateDir: '/var/lib/ferry/RK-0001',
 * });
 * console.log(outcome.status, outcome.upserts, outcome.deletes);
 * ```
 */
export async function processFile(options: ProcessFileOptions): Promise<FileOutcome> {
  const config = parseResourceConfig(options.config);
  // Absolute paths: the journal records where the file was, and a restart may run from another folder.
  const file = resolve(options.file);
  const here = dirname(file);
  const resource = new FileResource({
    config,
    stateDir: resolve(options.stateDir),
    sink: options.sink,
    processedDir: resolve(options.processedDir ?? join(here, 'processed')),
    quarantineDir: resolve(options.quarantineDir ?? join(here, 'quarantine')),
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    ...(options.maxBadRows !== undefined ? { maxBadRows: options.maxBadRows } : {}),
    ...(options.bucketBytes !== undefined ? { bucketBytes: options.bucketBytes } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return resource.process(file);
}
