import type { Change } from '@ferry/sdk/changes';
import type { CaptureStrategy, Position, RawRow, StrategyContext } from '@ferry/sdk/connector';
import { FerryError } from '@ferry/sdk/errors';
import { mapMssqlError } from './errors.js';

/** Configuration of the `cdc` strategy (a `kind` of its own; cast when typing `CaptureTable.strategy`). */
export interface CdcStrategyConfig {
  kind: 'cdc';
  /** The capture instance to read; the table's newest one by default (and a newer one then expires the cursor). */
  captureInstance?: string;
}

const LSN = (sql: string) => `CONVERT(varchar(22), ${sql}, 1)`;
const BIN = 'CONVERT(binary(10), ?, 1)';
const HEX = /^0x[0-9A-F]{20}$/i;

/** A capture instance as cdc.change_tables lists it. */
export interface CaptureInstance {
  name: string;
  startLsn: string;
  createDate: string;
}

/** Capture instances of a table, oldest first. */
export function captureInstancesSql(): string {
  return `SELECT capture_instance AS [name], ${LSN('start_lsn')} AS [start_lsn], CONVERT(varchar(33), create_date, 126) AS [create_date] FROM cdc.change_tables WHERE source_object_id = OBJECT_ID(?) ORDER BY create_date, capture_instance`;
}

/** LSN bounds: the instance's low endpoint, the database's highest LSN, and the LSN after the cursor's. */
export function lsnBoundsSql(hasLast: boolean): string {
  return `SELECT ${LSN('sys.fn_cdc_get_min_lsn(?)')} AS [min_lsn], ${LSN('sys.fn_cdc_get_max_lsn()')} AS [max_lsn]${hasLast ? `, ${LSN(`sys.fn_cdc_increment_lsn(${BIN})`)} AS [from_lsn]` : ''}`;
}

/**
 * Which capture instance serves a position: the pinned or newest one. A position whose instance is gone
 * or (when not pinned) superseded by a newer instance — a DBA created one after DDL — is expired: the new
 * shape needs a resnapshot, and the old instance will be dropped.
 */
export function chooseInstance(
  table: string,
  instances: readonly CaptureInstance[],
  pinned: string | undefined,
  current: string | undefined,
): CaptureInstance {
  if (instances.length === 0) {
    throw new FerryError(
      'FERRY_CURSOR_EXPIRED',
      `${table}: the table has no CDC capture instance (CDC was disabled on it); enable it and resnapshot`,
    );
  }
  const wanted = pinned ?? current;
  const newest = instances[instances.length - 1]!;
  if (wanted === undefined) return newest;
  const found = instances.find((i) => i.name === wanted);
  if (!found) {
    throw new FerryError(
      'FERRY_CURSOR_EXPIRED',
      `${table}: CDC capture instance ${wanted} no longer exists (now: ${instances.map((i) => i.name).join(', ')}); resnapshot`,
      { details: { table, captureInstance: wanted } },
    );
  }
  if (!pinned && newest.name !== found.name) {
    throw new FerryError(
      'FERRY_CURSOR_EXPIRED',
      `${table}: a new CDC capture instance ${newest.name} replaced ${found.name} (the table's shape changed); resnapshot to capture the new columns`,
      { details: { table, captureInstance: found.name, newCaptureInstance: newest.name } },
    );
  }
  return found;
}

/**
 * **SQL Server CDC**: the row images of every insert, update and delete between two LSNs, from the capture
 * instance's change table (`cdc.fn_cdc_get_all_changes_<capture_instance>`,
 * https://learn.microsoft.com/sql/relational-databases/system-functions/cdc-fn-cdc-get-all-changes-capture-instance-transact-sql):
 *
 * ```sql
 * SELECT … FROM cdc.fn_cdc_get_all_changes_dbo_t(@from_lsn, @to_lsn, N'all') ORDER BY __$start_lsn, __$seqval
 * ```
 *
 * with `@from_lsn = sys.fn_cdc_increment_lsn(@last)` and `@to_lsn = sys.fn_cdc_get_max_lsn()`.
 * - Sees: inserts (2), updates (4, the after image), deletes (1, the deleted row's key); every change, in
 *   commit order, not just the net one.
 * - Retention: a cursor whose next LSN is below `sys.fn_cdc_get_min_lsn(instance)` was cleaned up —
 *   `FERRY_CURSOR_EXPIRED` (as is error 313, which the function raises for a range outside the instance).
 * - DDL: a capture instance keeps the columns it was created with. When a newer instance appears for the
 *   table (or the cursor's is dropped) the cursor expires so the runner resnapshots with the new shape;
 *   pin `captureInstance` to keep reading the old one until you switch.
 * - Needs: CDC on the database and the table, SQL Server Agent running (capture and cleanup jobs), SELECT
 *   on the change data (membership of the instance's gating role, if it has one).
 *
 * Position: `{ instance, lsn, upTo, afterLsn, afterSeq }` (LSNs as `0x…` hex).
 */
export function cdcStrategy(): CaptureStrategy {
  async function instanceOf(ctx: StrategyContext, current: string | undefined): Promise<CaptureInstance> {
    const rows = await ctx.db.query(captureInstancesSql(), [ctx.table.sqlName]);
    const instances = rows.map((r) => ({
      name: String(r.name),
      startLsn: String(r.start_lsn),
      createDate: String(r.create_date),
    }));
    return chooseInstance(ctx.table.capture.table, instances, config(ctx).captureInstance, current);
  }
  return {
    kind: 'cdc',
    parsePosition(position) {
      if (typeof position.instance !== 'string' || position.instance === '')
        throw new TypeError('`instance` is missing');
      for (const f of ['lsn', 'upTo', 'afterLsn', 'afterSeq'] as const) {
        const v = position[f];
        if (v !== null && v !== undefined && (typeof v !== 'string' || !HEX.test(v)))
          throw new TypeError(`\`${f}\` is not an LSN`);
      }
      return position;
    },
    async watermark(ctx) {
      const instance = await instanceOf(ctx, undefined);
      const [row] = await ctx.db.query(`SELECT ${LSN('sys.fn_cdc_get_max_lsn()')} AS [max_lsn]`);
      const max = row?.max_lsn == null ? null : String(row.max_lsn);
      return { instance: instance.name, lsn: max, upTo: null, afterLsn: null, afterSeq: null };
    },
    async changes(ctx, position, limit) {
      const table = ctx.table.capture.table;
      try {
        const instance = await instanceOf(ctx, String(position.instance));
        const last = position.lsn == null ? null : String(position.lsn);
        const [bounds] = await ctx.db.query(
          lsnBoundsSql(last !== null),
          last === null ? [instance.name] : [instance.name, last],
        );
        const min = String(bounds?.min_lsn ?? '');
        const from = last === null ? min : String(bounds?.from_lsn);
        if (!HEX.test(min) || /^0x0+$/i.test(min)) {
          throw new FerryError(
            'FERRY_CURSOR_EXPIRED',
            `${table}: capture instance ${instance.name} has no valid LSN range; resnapshot`,
          );
        }
        if (from.toUpperCase() < min.toUpperCase()) {
          throw new FerryError(
            'FERRY_CURSOR_EXPIRED',
            `${table}: CDC cleanup removed changes after the cursor (next LSN ${from} is below the instance's minimum ${min}); resnapshot, and raise the cleanup job's retention`,
            { details: { table, fromLsn: from, minLsn: min } },
          );
        }
        const upTo = position.upTo == null ? String(bounds?.max_lsn) : String(position.upTo);
        if (!HEX.test(upTo) || from.toUpperCase() > upTo.toUpperCase())
          return { changes: [], position, more: false };
        const statement = cdcChangesStatement(ctx, instance.name, position, from, upTo, limit);
        const rows = await ctx.db.query(statement.sql, statement.bindings);
        const changes = cdcRowsToChanges(ctx, rows);
        if (rows.length < limit) {
          return {
            changes,
            position: { instance: instance.name, lsn: upTo, upTo: null, afterLsn: null, afterSeq: null },
            more: false,
          };
        }
        const lastRow = rows[rows.length - 1]!;
        return {
          changes,
          position: {
            instance: instance.name,
            lsn: last,
            upTo,
            afterLsn: String(lastRow.__ferry_lsn),
            afterSeq: String(lastRow.__ferry_seq),
          },
          more: true,
        };
      } catch (err) {
        throw mapMssqlError(err, table);
      }
    },
    async preflight(ctx) {
      return [
        {
          check: 'strategy',
          ok: true,
          table: ctx.table.capture.table,
          message:
            'cdc: captures every insert, update and delete in commit order; needs SQL Server Agent; a cursor older than the cleanup retention expires',
        },
      ];
    },
  };
}

function config(ctx: StrategyContext): CdcStrategyConfig {
  return ctx.table.capture.strategy as unknown as CdcStrategyConfig;
}

/** The page of change rows of one capture instance. */
export function cdcChangesStatement(
  ctx: StrategyContext,
  instance: string,
  position: Position,
  from: string,
  upTo: string,
  limit: number,
): { sql: string; bindings: unknown[] } {
  const { table, dialect } = ctx;
  const fn = `cdc.${dialect.quote(`fn_cdc_get_all_changes_${instance}`)}`;
  const after =
    position.afterLsn == null
      ? undefined
      : [String(position.afterLsn), String(position.afterLsn), String(position.afterSeq)];
  return {
    sql: `SELECT ${LSN('c.__$start_lsn')} AS [__ferry_lsn], ${LSN('c.__$seqval')} AS [__ferry_seq], c.__$operation AS [__ferry_op], ${table.selectList('c')} FROM ${fn}(${BIN}, ${BIN}, N'all') c${after ? ` WHERE (c.__$start_lsn > ${BIN} OR (c.__$start_lsn = ${BIN} AND c.__$seqval > ${BIN}))` : ''} ORDER BY c.__$start_lsn, c.__$seqval ${dialect.limit(limit)}`,
    bindings: [from, upTo, ...(after ?? [])],
  };
}

/** Change rows → changes: operation 1 → delete, 2 and 4 → upsert (3, the before image, is not requested). */
export function cdcRowsToChanges(ctx: StrategyContext, rows: readonly RawRow[]): Change[] {
  const changes: Change[] = [];
  for (const raw of rows) {
    const op = Number(raw.__ferry_op);
    const row = ctx.table.decodeRow(raw);
    const key = ctx.table.keyOf(row);
    const position = `lsn:${String(raw.__ferry_lsn)}:${String(raw.__ferry_seq)}`;
    if (op === 1) changes.push({ op: 'delete', key, position });
    else if (op === 2 || op === 4) changes.push({ op: 'upsert', key, row, position });
  }
  return changes;
}
