import { type Change, Decimal, decodeRecord, encodeRecord } from '@ferry/sdk/changes';
import {
  afterPredicate,
  type CaptureStrategy,
  type JsonValue,
  type Position,
  type PreflightCheck,
  type SourceColumn,
  type StrategyContext,
} from '@ferry/sdk/connector';
import { mapOracleError } from './errors.js';
import { currentScn, parseScn, type ScnSource } from './scn.js';

/** Configuration of the `rowscn` strategy (a `kind` of its own; cast when typing `CaptureTable.strategy`). */
export interface RowscnStrategyConfig {
  kind: 'rowscn';
  /** Where the current SCN is read from. Default `v$database`. */
  scnSource?: ScnSource;
  /** Read the snapshot `AS OF SCN` the watermark (needs FLASHBACK on the table). Default false. */
  consistentSnapshot?: boolean;
}

/** The SCN as a pseudo column, for keyset predicates. */
export const SCN_COLUMN: SourceColumn = {
  name: '__ferry_scn',
  type: 'decimal',
  nativeType: 'NUMBER',
  nullable: false,
  primaryKey: false,
};

/**
 * **ORA_ROWSCN**: rows whose `ORA_ROWSCN` (the commit SCN of their last change) lies between the last SCN
 * read and the current SCN, which is read *before* the statement:
 *
 * ```sql
 * SELECT …, ORA_ROWSCN FROM t WHERE ORA_ROWSCN > :last AND ORA_ROWSCN <= :upTo ORDER BY ORA_ROWSCN, key
 * ```
 *
 * - Sees: inserts and updates. Misses: deletes, TRUNCATE.
 * - Row-level only on tables created with `ROWDEPENDENCIES`. Otherwise ORA_ROWSCN is per block: a change to
 *   one row moves the SCN of every row in its block, and those unchanged rows are sent again (harmless
 *   upserts, but traffic); preflight warns. ROWDEPENDENCIES cannot be added with ALTER TABLE.
 * - No commit is missed: the upper bound is read before the statement starts, and statement-level read
 *   consistency shows every transaction that committed at or below it. A row changed again while a pass
 *   is paged moves above the bound and is read in the next pass.
 * - Cost: ORA_ROWSCN has no index: every poll scans the table.
 *
 * Position: `{ scn, upTo, afterScn, afterKey }` — everything committed at or below `scn` is delivered;
 * while a pass is paged, `upTo` is its bound and `afterScn`/`afterKey` the last row sent.
 */
export function rowscnStrategy(): CaptureStrategy {
  return {
    kind: 'rowscn',
    parsePosition: parseScnPosition,
    async watermark(ctx) {
      const scn = await currentScn(ctx.db, config(ctx).scnSource);
      return { scn: scn.toString(), upTo: null, afterScn: null, afterKey: null };
    },
    snapshotFrom(ctx, position) {
      if (!config(ctx).consistentSnapshot) return { sql: ctx.table.sqlName, bindings: [] };
      return { sql: `${ctx.table.sqlName} AS OF SCN ?`, bindings: [String(position.scn)] };
    },
    async changes(ctx, position, limit) {
      const statement = rowscnStatement(ctx, position, limit);
      const upTo =
        position.upTo === null || position.upTo === undefined
          ? await currentScn(ctx.db, config(ctx).scnSource)
          : parseScn(position.upTo, 'upTo');
      let rows: Record<string, unknown>[];
      try {
        rows = await ctx.db.query(statement.sql, statement.bindings(upTo));
      } catch (err) {
        throw mapOracleError(err, ctx.table.capture.table, String(position.scn));
      }
      const changes: Change[] = [];
      for (const raw of rows) {
        const row = ctx.table.decodeRow(raw);
        changes.push({
          op: 'upsert',
          key: ctx.table.keyOf(row),
          row,
          position: `scn:${String(raw.__ferry_scn)}`,
        });
      }
      return {
        changes,
        position: nextPosition(ctx, position, upTo, rows, limit),
        more: rows.length === limit,
      };
    },
    async preflight(ctx) {
      return rowDependencyChecks(ctx);
    },
  };
}

function config(ctx: StrategyContext): RowscnStrategyConfig {
  return ctx.table.capture.strategy as unknown as RowscnStrategyConfig;
}

/** Validates a position of the SCN strategies. */
export function parseScnPosition(position: Position): Position {
  parseScn(position.scn, 'scn');
  if (position.upTo !== null && position.upTo !== undefined) parseScn(position.upTo, 'upTo');
  if (position.afterScn !== null && position.afterScn !== undefined) {
    parseScn(position.afterScn, 'afterScn');
    decodeRecord(position.afterKey as never);
  }
  return position;
}

/** The paged read of one pass: the SQL and its bindings once the upper bound is known. */
export function rowscnStatement(
  ctx: StrategyContext,
  position: Position,
  limit: number,
): { sql: string; bindings(upTo: bigint): unknown[] } {
  const { table, dialect } = ctx;
  const keyCols = table.key.map((c) => ({ column: c, sql: table.ref('t', c) }));
  const after =
    position.afterScn === null || position.afterScn === undefined
      ? undefined
      : afterPredicate(dialect, [{ column: SCN_COLUMN, sql: 'ORA_ROWSCN' }, ...keyCols], {
          ...decodeRecord(position.afterKey as never),
          [SCN_COLUMN.name]: new Decimal(String(position.afterScn)),
        });
  const order = ['ORA_ROWSCN', ...keyCols.map((k) => k.sql)].join(', ');
  return {
    sql: `SELECT ${table.selectList('t')}, ORA_ROWSCN AS "__ferry_scn" FROM ${table.sqlName} t WHERE ORA_ROWSCN > ? AND ORA_ROWSCN <= ?${after ? ` AND ${after.sql}` : ''} ORDER BY ${order} ${dialect.limit(limit)}`,
    bindings: (upTo) => [String(position.scn), upTo.toString(), ...(after?.bindings ?? [])],
  };
}

/** The position after a page: the pass's bound when the page was short, else the last row read. */
export function nextPosition(
  ctx: StrategyContext,
  position: Position,
  upTo: bigint,
  rows: readonly Record<string, unknown>[],
  limit: number,
): Position {
  if (rows.length < limit) return { scn: upTo.toString(), upTo: null, afterScn: null, afterKey: null };
  const last = rows[rows.length - 1]!;
  const key = ctx.table.keyOf(ctx.table.decodeRow(last));
  return {
    scn: String(position.scn),
    upTo: upTo.toString(),
    afterScn: String(last.__ferry_scn),
    afterKey: encodeRecord(key) as JsonValue,
  };
}

/** Whether the table tracks SCNs per row (ROWDEPENDENCIES) or per block. */
export async function rowDependencyChecks(ctx: StrategyContext): Promise<PreflightCheck[]> {
  const table = ctx.table.capture.table;
  const [row] = await ctx.db.query(
    'SELECT DEPENDENCIES AS "dependencies" FROM ALL_TABLES WHERE OWNER = ? AND TABLE_NAME = ?',
    [ctx.table.meta.schema, ctx.table.meta.name.split('.').pop()!],
  );
  return rowDependencyCheck(table, row?.dependencies);
}

/** The check for a recorded `ALL_TABLES.DEPENDENCIES` value. */
export function rowDependencyCheck(table: string, dependencies: unknown): PreflightCheck[] {
  const checks: PreflightCheck[] = [
    {
      check: 'strategy',
      ok: true,
      table,
      message: 'rowscn: captures inserts and updates; deletes are not seen; every poll scans the table',
    },
  ];
  if (dependencies === 'ENABLED') {
    checks.push({
      check: 'rowdependencies',
      ok: true,
      table,
      message: `${table} has ROWDEPENDENCIES: ORA_ROWSCN is per row`,
    });
  } else {
    checks.push({
      check: 'rowdependencies',
      ok: false,
      severity: 'warning',
      table,
      message: `${table} was created without ROWDEPENDENCIES (DEPENDENCIES = ${String(dependencies)}): ORA_ROWSCN is per block, so unchanged rows sharing a block with a changed row are sent again. It cannot be altered: recreate the table with CREATE TABLE … ROWDEPENDENCIES (e.g. via DBMS_REDEFINITION) for row-level SCNs`,
    });
  }
  return checks;
}
