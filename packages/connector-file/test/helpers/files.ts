import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Change, FerryRecord } from '@ferry/sdk/changes';
import { encodeValue } from '@ferry/sdk/changes';

/** A fresh temporary folder; remove it with the returned function. */
export function tempDir(prefix = 'ferry-file-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** JSON text of a record in wire form, for comparisons. */
export function wire(record: FerryRecord): string {
  return JSON.stringify(Object.fromEntries(Object.entries(record).map(([k, v]) => [k, encodeValue(v)])));
}

/** Applies changes to a map from wire key → wire row. */
export function apply(state: Map<string, string>, changes: readonly Change[]): Map<string, string> {
  for (const c of changes) {
    if (c.op === 'upsert') state.set(wire(c.key), wire(c.row));
    else state.delete(wire(c.key));
  }
  return state;
}
