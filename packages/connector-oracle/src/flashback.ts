import { type Change, Decimal, decodeRecord, encodeRecord, type FerryRecord } from '@ferry/sdk/changes';
import {
  afterPredicate,
  type CaptureStrategy,
  type JsonValue,
  type Position,
  type SourceColumn,
  type StrategyContext,
} from '@ferry/sdk/connector';
import { mapOracleError } from './errors.js';
import { parseScnPosition, SCN_COLUMN } from './rowscn.js';
import { currentScn, parseScn, type ScnSource } from './scn.js';

/** Configuration of the `flashback` strategy (a `kind` of its own; cast when typing `CaptureTable.strategy`). */
export interface FlashbackStrategyConfig {
  kind: 'flashback';
  /** Where the current SCN is read from. Default `v$database`. */
  scnSource?: ScnSource;
}

const RANK_COLUMN: SourceColumn = {
  name: '__ferry_rank',
  type: 'int',
  nativeType: 'NUMBER',
  nullable: false,
  primaryKey: false,
};

/**
 * **Flashback Version Query**: every committed row version between the last SCN read and the current SCN,
 * deletes included, read from undo:
 *
 * ```sql
 * SELECT …, VERSIONS_STARTSCN, VERSIONS_OPERATION FROM t VERSIONS BETWEEN SCN :last AND :upTo
 *  WHERE VERSIONS_STARTSCN > :last AND VERSIONS_STARTSCN <= :upTo
 * ```
 *
 * (Oracle Database Development Guide 19c, "Using Oracle Flashback Technology", section "Using Oracle
 * Flashback Version Query": https://docs.oracle.com/en/database/oracle/oracle-database/19/adfns/flashback.html)
 *
 * - Sees: inserts, updates, deletes (`VERSIONS_OPERATION` `I`/`U`/`D`, the deleted row's values carry its
 *   key). An update that changes the key is a `U` version of the same ROWID: the previous version's key is
 *   taken with `LAG(…) OVER (PARTITION BY ROWID …)` and sent as a delete first.
 * - Bounded by undo retention: a cursor older than the undo reaches fails with ORA-01555, ORA-08181 or
 *   ORA-30052 (or ORA-01466 after DDL), reported as `FERRY_CURSOR_EXPIRED`, so the runner resnapshots or
 *   fails per `onInvalidCursor`. Poll well within `UNDO_RETENTION` (and consider RETENTION GUARANTEE).
 * - Snapshot: read `AS OF SCN` the watermark, so snapshot and capture meet exactly at that SCN.
 * - Within one SCN, versions of a key are sent deletes first (a transaction that deleted a row and
 *   inserted one with the same key leaves it present).
 * - Needs FLASHBACK on the table (or FLASHBACK ANY TABLE) and a way to read the current SCN.
 *
 * Position: like `rowscn` (`{ scn, upTo, afterScn, afterKey, afterRank }`).
 */
export function flashbackStrategy(): CaptureStrategy {
  return {
    kind: 'flashback',
    parsePosition(position) {
      parseScnPosition(position);
      if (
        position.afterRank !== undefined &&
        position.afterRank !== null &&
        typeof position.afterRank !== 'number'
      )
        throw new TypeError('`afterRank` is not a number');
      return position;
    },
    async watermark(ctx) {
      const scn = await currentScn(ctx.db, config(ctx).scnSource);
      return { scn: scn.toString(), upTo: null, afterScn: null, afterKey: null, afterRank: null };
    },
    snapshotFrom(ctx, position) {
      return { sql: `${ctx.table.sqlName} AS OF SCN ?`, bindings: [String(position.scn)] };
    },
    async changes(ctx, position, limit) {
      const upTo =
        position.upTo === null || position.upTo === undefined
          ? await currentScn(ctx.db, config(ctx).scnSource)
          : parseScn(position.upTo, 'upTo');
      const statement = versionsStatement(ctx, position, upTo, limit);
      let rows: Record<string, unknown>[];
      try {
        rows = await ctx.db.query(statement.sql, statement.bindings);
      } catch (err) {
        throw mapOracleError(err, ctx.table.capture.table, String(position.scn));
      }
      const changes = versionChanges(ctx, rows);
      if (rows.length < limit) {
        return {
          changes,
          position: { scn: upTo.toString(), upTo: null, afterScn: null, afterKey: null, afterRank: null },
          more: false,
        };
      }
      const last = rows[rows.length - 1]!;
      return {
        changes,
        position: {
          scn: String(position.scn),
          upTo: upTo.toString(),
          afterScn: String(last.__ferry_scn),
          afterKey: encodeRecord(rawKey(ctx, last)) as JsonValue,
          afterRank: Number(last.__ferry_rank),
        },
        more: true,
      };
    },
    async preflight(ctx) {
      return [
        {
          check: 'strategy',
          ok: true,
          table: ctx.table.capture.table,
          message:
            'flashback: captures inserts, updates and deletes from undo; a cursor older than UNDO_RETENTION expires (resnapshot)',
        },
      ];
    },
  };
}

function config(ctx: StrategyContext): FlashbackStrategyConfig {
  return ctx.table.capture.strategy as unknown as FlashbackStrategyConfig;
}

/** The key columns' raw copies (`__ferry_k<i>`) used for paging. */
function rawKey(ctx: StrategyContext, raw: Record<string, unknown>): FerryRecord {
  const key: FerryRecord = {};
  ctx.table.key.forEach((k, i) => {
    key[k.name] = ctx.dialect.decode(raw[`__ferry_k${i}`], k);
  });
  return key;
}

/** The versions read of one page. */
export function versionsStatement(
  ctx: StrategyContext,
  position: Position,
  upTo: bigint,
  limit: number,
): { sql: string; bindings: unknown[] } {
  const { table, dialect } = ctx;
  const q = dialect.quote;
  const keyRaw = table.key.map(
    (k, i) => `${dialect.selectColumn(k, table.ref('t', k))} AS ${q(`__ferry_k${i}`)}`,
  );
  const prev = table.key.map(
    (k, i) =>
      `LAG(${dialect.selectColumn(k, table.ref('t', k))}) OVER (PARTITION BY t.ROWID ORDER BY VERSIONS_STARTSCN NULLS FIRST) AS ${q(`__ferry_p${i}`)}`,
  );
  const inner = `SELECT ${table.selectList('t')}, ${keyRaw.join(', ')}, ${prev.join(', ')}, VERSIONS_STARTSCN AS "__ferry_scn", VERSIONS_OPERATION AS "__ferry_op", CASE VERSIONS_OPERATION WHEN 'D' THEN 0 ELSE 1 END AS "__ferry_rank" FROM ${table.sqlName} VERSIONS BETWEEN SCN ? AND ? t`;
  // Paging runs on the key as the database compares it (the raw key copies, converted back with param()).
  const pageCols = [
    { column: SCN_COLUMN, sql: 'v."__ferry_scn"' },
    ...table.key.map((k, i) => ({ column: k, sql: keyExpr(ctx, k, `v.${q(`__ferry_k${i}`)}`) })),
    { column: RANK_COLUMN, sql: 'v."__ferry_rank"' },
  ];
  const after =
    position.afterScn === null || position.afterScn === undefined
      ? undefined
      : afterPredicate(dialect, pageCols, {
          ...decodeRecord(position.afterKey as never),
          [SCN_COLUMN.name]: new Decimal(String(position.afterScn)),
          [RANK_COLUMN.name]: Number(position.afterRank ?? 0),
        });
  return {
    sql: `SELECT v.* FROM (${inner}) v WHERE v."__ferry_scn" > ? AND v."__ferry_scn" <= ?${after ? ` AND ${after.sql}` : ''} ORDER BY ${pageCols.map((c) => c.sql).join(', ')} ${dialect.limit(limit)}`,
    bindings: [
      String(position.scn),
      upTo.toString(),
      String(position.scn),
      upTo.toString(),
      ...(after?.bindings ?? []),
    ],
  };
}

/** A key copy as the database compares it: date-time keys were selected as text and are converted back. */
function keyExpr(ctx: StrategyContext, column: SourceColumn, sql: string): string {
  const param = ctx.dialect.param(column);
  return param === '?' ? sql : param.replace('?', sql);
}

/** Version rows → changes: `D` → delete; `U` whose previous version had another key → delete of that key, then upsert. */
export function versionChanges(ctx: StrategyContext, rows: readonly Record<string, unknown>[]): Change[] {
  const { table, dialect } = ctx;
  const changes: Change[] = [];
  for (const raw of rows) {
    const op = String(raw.__ferry_op ?? '').trim();
    const scn = `scn:${String(raw.__ferry_scn)}`;
    const key = rawKey(ctx, raw);
    if (op === 'D') {
      changes.push({ op: 'delete', key, position: scn });
      continue;
    }
    if (op === 'U' && raw.__ferry_p0 !== null && raw.__ferry_p0 !== undefined) {
      const prev: FerryRecord = {};
      table.key.forEach((k, i) => {
        prev[k.name] = dialect.decode(raw[`__ferry_p${i}`], k);
      });
      if (JSON.stringify(encodeRecord(prev)) !== JSON.stringify(encodeRecord(key)))
        changes.push({ op: 'delete', key: prev, position: scn });
    }
    const row = table.decodeRow(raw);
    changes.push({ op: 'upsert', key: table.keyOf(row), row, position: scn });
  }
  return changes;
}
