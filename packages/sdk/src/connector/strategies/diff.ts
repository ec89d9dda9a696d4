import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Change,
  decodeValue,
  type EncodedValue,
  encodeValue,
  type FerryRecord,
  type FerryValue,
} from '../../changes/index.js';
import { FerryError } from '../../errors/index.js';
import type { JsonValue, Position } from '../checkpoint.js';
import type { DiffStrategyConfig, PreflightCheck } from '../source.js';
import type { ResolvedTable } from '../sql/resolved-table.js';
import { compareKeys, rowHash, StateReader, StateWriter, stateLine } from './diff-state.js';
import type { CaptureStrategy, StrategyContext, StrategyRead } from './strategy.js';

const DEFAULT_STATE_DIR = '.ferry/diff-state';
/** Rows scanned per read at most, even when nothing changed, so the runner can check for a stop. */
const MAX_SCAN_CHUNKS = 20;

/** An open pass: the previous state being read and the next one being written. */
interface Pass {
  gen: number;
  afterJson: string;
  written: number;
  /** Whether this pass emitted a change (assumed when resumed in another process). */
  changed: boolean;
  reader: StateReader | undefined;
  writer: StateWriter;
  close(): Promise<void>;
}

/**
 * **Full diff by key hash**, for tables with no column that tracks changes: every poll reads the whole
 * table in key order and merges it with the previous scan's state — a file of `(key, row hash)` lines
 * sorted the same way — emitting an upsert for every new or changed row and a delete for every key that
 * is gone. The scan and the state file are both streamed, so memory stays flat; the state takes about
 * 40 bytes per row on disk (`stateDir`, default `.ferry/diff-state`).
 *
 * - Sees: inserts, updates, deletes and truncates — as differences between two scans.
 * - Misses: intermediate states between two polls (a row inserted and deleted in between never shows).
 * - Cost: a full table read per poll; use it for reference tables and sources that offer nothing else.
 * - Order: keys are compared in code point order (text) and byte order (binary), which the dialect
 *   enforces in the scan (e.g. `COLLATE "C"`), so an index on the key may not be used for text keys.
 * - Needs a unique key: set `key` on a table without a primary key; duplicates fail the pass.
 * - A lost or truncated state file (another machine, cleaned disk) is `FERRY_CURSOR_EXPIRED`.
 *
 * Position: `{ gen, length, scan?: { after: [key…] | null, written } }` — the committed state file is
 * generation `gen` (`length` bytes); during a pass, generation `gen + 1` is written up to `written` bytes
 * and the merge has reached key `after`.
 */
export function diffStrategy(): CaptureStrategy {
  const passes = new Map<string, Pass>();

  async function openPass(ctx: StrategyContext, position: Position, forSnapshot: boolean): Promise<Pass> {
    const id = tableId(ctx.table);
    const gen = position.gen as number;
    const scan = position.scan as { after: EncodedValue[] | null; written: number } | undefined;
    const afterJson = JSON.stringify(scan?.after ?? null);
    const written = scan?.written ?? 0;
    const cached = passes.get(id);
    if (cached && cached.gen === gen && cached.afterJson === afterJson && cached.written === written)
      return cached;
    await cached?.close();
    passes.delete(id);

    const dir = stateDir(ctx);
    await mkdir(dir, { recursive: true });
    if (!scan) await removeOtherGenerations(dir, id, [gen, gen + 1]);
    const expired = (what: string) =>
      new FerryError(
        'FERRY_CURSOR_EXPIRED',
        `${ctx.table.capture.table}: diff state ${what} is missing or shorter than the cursor says; resnapshot`,
        {
          details: { stateDir: dir },
        },
      );
    const reader = forSnapshot
      ? undefined
      : await StateReader.open(statePath(dir, id, gen), position.length as number);
    if (!forSnapshot && !reader) throw expired(statePath(dir, id, gen));
    const writer = await StateWriter.open(statePath(dir, id, gen + 1), written);
    if (!writer) {
      reader?.close();
      throw expired(statePath(dir, id, gen + 1));
    }
    if (reader && scan?.after) {
      // Resuming mid-pass in a new process: skip what the merge already passed.
      const after = scan.after.map(decodeValue);
      for (let e = await reader.peek(); e && compareKeys(e.key, after) <= 0; e = await reader.peek())
        reader.next();
    }
    const pass: Pass = {
      gen,
      afterJson,
      written,
      changed: scan !== undefined,
      reader,
      writer,
      async close() {
        reader?.close();
        await writer.close();
      },
    };
    passes.set(id, pass);
    return pass;
  }

  return {
    kind: 'diff',
    snapshotOrder: 'binary',
    parsePosition(position) {
      if (typeof position.gen !== 'number' || typeof position.length !== 'number')
        throw new TypeError('position has no gen/length');
      const scan = position.scan as { after?: unknown; written?: unknown } | undefined;
      if (
        scan !== undefined &&
        (typeof scan !== 'object' || scan === null || typeof scan.written !== 'number')
      ) {
        throw new TypeError('scan is not valid');
      }
      if (scan?.after) (scan.after as EncodedValue[]).map(decodeValue);
      return position;
    },
    async watermark() {
      // A snapshot builds generation 1 from nothing: it is the first pass.
      return { gen: 0, length: 0 };
    },
    async afterSnapshotChunk(ctx, rows, position, done): Promise<Position> {
      const pass = await openPass(ctx, position, true);
      let last: FerryValue[] | undefined;
      for (const row of rows) {
        last = keyValues(ctx.table, row);
        pass.writer.append(stateLine(last, rowHash(row)));
      }
      const written = await pass.writer.flush();
      if (done) {
        await pass.close();
        passes.delete(tableId(ctx.table));
        return { gen: pass.gen + 1, length: written };
      }
      pass.written = written;
      const after = last
        ? (last.map(encodeValue) as JsonValue)
        : ((position.scan as { after: JsonValue } | undefined)?.after ?? null);
      pass.afterJson = JSON.stringify(after);
      return { gen: pass.gen, length: position.length as number, scan: { after, written } };
    },
    async changes(ctx, position, limit) {
      const pass = await openPass(ctx, position, false);
      const reader = pass.reader!;
      const { table } = ctx;
      const changes: Change[] = [];
      const chunkSize = Math.max(limit, 100);
      let after: FerryValue[] | undefined =
        pass.afterJson === 'null'
          ? undefined
          : (JSON.parse(pass.afterJson) as EncodedValue[]).map(decodeValue);
      let tableDone = false;
      let stopped = false;

      for (let chunks = 0; chunks < MAX_SCAN_CHUNKS && !stopped; chunks++) {
        const afterKey = after
          ? Object.fromEntries(table.key.map((k, i) => [k.name, after![i] ?? null]))
          : undefined;
        const rows = await ctx.readChunk(afterKey, chunkSize, 'binary');
        for (const row of rows) {
          const key = keyValues(table, row);
          if (after && compareKeys(key, after) <= 0) {
            throw new FerryError(
              'FERRY_CONFIG_INVALID',
              `${table.capture.table}: key (${table.key.map((k) => k.name).join(', ')}) is not unique or not ordered; choose a unique key for the diff strategy`,
              { location: { field: 'key' } },
            );
          }
          // Old keys below this row are gone from the table.
          for (
            let old = await reader.peek();
            old && compareKeys(old.key, key) < 0;
            old = await reader.peek()
          ) {
            if (changes.length >= limit) break;
            changes.push({ op: 'delete', key: keyRecord(table, old.key) });
            after = old.key;
            reader.next();
          }
          if (changes.length >= limit) {
            stopped = true;
            break;
          }
          const hash = rowHash(row);
          const old = await reader.peek();
          if (old && compareKeys(old.key, key) === 0) {
            if (old.hash !== hash) changes.push({ op: 'upsert', key: table.keyOf(row), row });
            reader.next();
          } else {
            changes.push({ op: 'upsert', key: table.keyOf(row), row });
          }
          pass.writer.append(stateLine(key, hash));
          after = key;
        }
        if (!stopped && rows.length < chunkSize) tableDone = true;
        if (tableDone || changes.length >= limit) break;
      }

      let finished = false;
      if (tableDone) {
        // Whatever is left of the old state was deleted from the table (or the table was truncated).
        let old = await reader.peek();
        while (old && changes.length < limit) {
          changes.push({ op: 'delete', key: keyRecord(table, old.key) });
          after = old.key;
          reader.next();
          old = await reader.peek();
        }
        finished = old === undefined;
      }
      if (changes.length > 0) pass.changed = true;
      const written = await pass.writer.flush();
      if (finished) {
        await pass.close();
        passes.delete(tableId(table));
        // Nothing changed: the new state equals the old one, so keep the old and commit nothing.
        if (!pass.changed)
          return { changes, position: { gen: pass.gen, length: position.length as number }, more: false };
        const read: StrategyRead = {
          changes,
          position: { gen: pass.gen + 1, length: written },
          more: false,
          commit: true,
        };
        return read;
      }
      const afterJson = after ? (after.map(encodeValue) as JsonValue) : null;
      pass.afterJson = JSON.stringify(afterJson);
      pass.written = written;
      return {
        changes,
        position: { gen: pass.gen, length: position.length as number, scan: { after: afterJson, written } },
        more: true,
      };
    },
    async preflight(ctx) {
      const table = ctx.table.capture.table;
      const dir = stateDir(ctx);
      const checks: PreflightCheck[] = [
        {
          check: 'strategy',
          ok: true,
          table,
          message: `diff on key (${ctx.table.key.map((k) => k.name).join(', ')}): captures inserts, updates and deletes by reading the whole table every poll; state in ${dir}`,
        },
      ];
      try {
        await mkdir(dir, { recursive: true });
      } catch (err) {
        checks.push({
          check: 'diff-state',
          ok: false,
          table,
          message: `cannot create state directory ${dir}: ${(err as Error).message}`,
        });
      }
      return checks;
    },
    async close() {
      for (const pass of passes.values()) await pass.close();
      passes.clear();
    },
  };
}

function stateDir(ctx: StrategyContext): string {
  return (ctx.table.capture.strategy as DiffStrategyConfig).stateDir ?? DEFAULT_STATE_DIR;
}

/** File-name-safe identity of a table and its key. */
function tableId(table: ResolvedTable): string {
  const safe = table.meta.name.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60);
  const hash = createHash('sha256')
    .update(`${table.meta.name}\u0000${table.key.map((k) => k.name).join('\u0000')}`)
    .digest('hex')
    .slice(0, 8);
  return `${safe}-${hash}`;
}

function statePath(dir: string, id: string, gen: number): string {
  return join(dir, `${id}.${gen}.state`);
}

async function removeOtherGenerations(dir: string, id: string, keep: number[]): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const keepNames = new Set(keep.map((g) => `${id}.${g}.state`));
  for (const name of names) {
    if (name.startsWith(`${id}.`) && name.endsWith('.state') && !keepNames.has(name))
      await rm(join(dir, name), { force: true });
  }
}

function keyValues(table: ResolvedTable, row: FerryRecord): FerryValue[] {
  return table.key.map((k) => {
    const v = row[k.name] ?? null;
    if (v === null) {
      throw new FerryError(
        'FERRY_CONFIG_INVALID',
        `${table.capture.table}: key column \`${k.name}\` is NULL in a row; the diff key must never be NULL`,
        {
          location: { field: 'key' },
        },
      );
    }
    return v;
  });
}

function keyRecord(table: ResolvedTable, key: readonly FerryValue[]): FerryRecord {
  return Object.fromEntries(table.key.map((k, i) => [k.name, key[i] ?? null]));
}
