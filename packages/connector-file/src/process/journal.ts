// The journal of a resource: written (fsync + rename) once an export has been checked and diffed and
// before its first change is sent; removed once the export is in processed/. Finding one at start-up
// means a process died in between, and it says everything needed to finish: the spool to send from the
// sink's cursor on, the new state to commit and where the file goes.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { FerryError } from '@ferry/sdk/errors';
import { fsyncDir, writeFileAtomic } from '../fs/atomic.js';

export interface Journal {
  v: 1;
  file: string;
  /** Where the file sat in the drop folder. */
  source: string;
  sha256: string;
  encoding: string | undefined;
  generation: number;
  snapshot: boolean;
  /** Changes in the spool. */
  total: number;
  rows: number;
  upserts: number;
  deletes: number;
  unchanged: number;
  badRows: number;
  /** Key names of the spool's deletes. */
  keyNames: string[];
  spool: string;
  newState: string;
  badRowReport: string | undefined;
  processedTarget: string;
}

export function readJournal(path: string): Journal | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const j = JSON.parse(readFileSync(path, 'utf8')) as Journal;
    if (j.v !== 1) throw new Error(`version ${String(j.v)}`);
    return j;
  } catch (err) {
    throw new FerryError('FERRY_FILE_STATE', `${path} is not a readable journal: ${(err as Error).message}`, {
      cause: err,
      location: { file: path },
    });
  }
}

export function writeJournal(path: string, journal: Journal): void {
  writeFileAtomic(path, JSON.stringify(journal, null, 2));
}

export function removeJournal(path: string): void {
  rmSync(path, { force: true });
  fsyncDir(dirname(path));
}
