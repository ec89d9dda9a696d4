import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { type Change, encodeRecord, type FerryRecord } from '../../changes/index.js';
import { FerryError } from '../../errors/index.js';
import type { JsonValue, Position } from '../checkpoint.js';
import type { ChangelogStrategyConfig, PreflightCheck, SourceColumn, SourceTable } from '../source.js';
import type { ChangelogNames, RawRow, SqlDb, SqlDialect } from '../sql/dialect.js';
import { qualifiedName, type ResolvedTable } from '../sql/resolved-table.js';
import { GapTracker, gapPredicate, parseGaps } from './gaps.js';
import type { CaptureStrategy, StrategyContext, StrategyRead } from './strategy.js';

const DEFAULT_GRACE_MS = 5 * 60_000;
const DEFAULT_RETENTION_MS = 7 * 24 * 3600_000;
/** Retention purges run at most this often per table. */
const PURGE_EVERY_MS = 10 * 60_000;

/** The log's id column as a column, for parameters and decoding. */
const LOG_ID: SourceColumn = {
  name: 'ferry_id',
  type: 'bigint',
  nativeType: 'bigint',
  nullable: false,
  primaryKey: true,
};

/**
 * **Trigger-maintained change log**: triggers on the table append `(ferry_id, ferry_op, ferry_at, key…)` to
 * a log table for every insert, update and delete; Ferry reads the log after the last id, joined with the
 * table for the current row. Ferry generates the DDL ({@link changelogDdl}) for PostgreSQL and
 * MySQL/MariaDB.
 *
 * - Sees: inserts, updates (an update that changes the key is a delete of the old key and an upsert of the
 *   new one), deletes; on PostgreSQL also `TRUNCATE`, which is reported as `FERRY_CURSOR_EXPIRED` so the
 *   runner resnapshots (a truncate has no keys to delete).
 * - Misses: `TRUNCATE` on MySQL/MariaDB (no truncate triggers there — rows vanish unseen until the next
 *   snapshot); changes made with triggers disabled (bulk loads, `session_replication_role = replica`);
 *   intermediate states (a row changed twice between reads arrives once, in its latest state).
 * - Late commits: log ids are allocated when a transaction writes and become visible when it commits, so
 *   they can appear out of order. Ids skipped over are kept as gaps in the cursor and read again on every
 *   poll until they appear or `graceMs` (default 5 minutes) passes; a transaction open longer than that is
 *   missed, an id of a rolled-back transaction is given up.
 * - Hand-over from a snapshot: the watermark is the last log id written more than `graceMs` ago, so entries
 *   of transactions still open when the snapshot starts are read afterwards. Entries read again are
 *   harmless: each one is answered with the row as it is now.
 * - Retention: entries already read and older than `retentionMs` are deleted, leaving a `P` marker; a
 *   cursor behind a marker (someone purged entries it had not read) is `FERRY_CURSOR_EXPIRED`.
 *
 * Position: `{ last: "<id>", gaps: [[lo, hi, since], …], barrier: "<id>" }` — markers at or below
 * `barrier` were there before the snapshot the cursor continues and are ignored.
 */
export function changelogStrategy(): CaptureStrategy {
  const checked = new Set<string>();
  const lastPurge = new Map<string, number>();

  // Whether the log exists is checked once per table, again at every watermark and after a failed read.
  async function ensureLog(ctx: StrategyContext, install: boolean, recheck = false): Promise<void> {
    const names = changelogNames(
      ctx.dialect,
      ctx.table.meta,
      ctx.table.capture.strategy as ChangelogStrategyConfig,
    );
    const id = `${ctx.table.meta.name}\u0000${names.logTable}`;
    if (checked.has(id) && !recheck) return;
    checked.delete(id);
    const status = await ctx.dialect.changelog.status(ctx.db, names);
    if (!status.logTable || !status.triggers) {
      if (!install) {
        throw new FerryError(
          'FERRY_CURSOR_EXPIRED',
          `${ctx.table.capture.table}: change log table ${names.logTable} or its triggers are missing, so changes since the cursor are lost; set strategy.install or install the DDL, then resnapshot`,
          { details: { logTable: names.logTable } },
        );
      }
      await installChangelog(ctx.db, ctx.dialect, ctx.table);
    }
    checked.add(id);
  }

  async function readLog(ctx: StrategyContext, position: Position, limit: number): Promise<StrategyRead> {
    const { table, dialect, db } = ctx;
    const config = table.capture.strategy as ChangelogStrategyConfig;
    await ensureLog(ctx, false);
    const graceMs = config.graceMs ?? DEFAULT_GRACE_MS;
    const gaps = parseGaps(position.gaps);
    const last = BigInt(position.last as string);
    const barrier = BigInt((position.barrier as string | undefined) ?? '0');
    const tracker = new GapTracker(gaps, last, ctx.now());
    const byKey = new Map<string, Change>();
    const select = logSelect(ctx);

    const take = (raw: RawRow) => {
      const id = BigInt(String(raw.__ferry_id));
      const op = String(raw.__ferry_op).trim();
      if (op === 'P' || op === 'T') {
        if (id <= barrier) return;
        throw new FerryError(
          'FERRY_CURSOR_EXPIRED',
          op === 'P'
            ? `${table.capture.table}: the change log was purged past the cursor (entry ${id}); resnapshot`
            : `${table.capture.table}: the table was truncated (log entry ${id}); resnapshot`,
          { details: { logId: id.toString(), op } },
        );
      }
      const key: FerryRecord = {};
      table.key.forEach((k, i) => {
        key[k.name] = dialect.decode(raw[`__ferry_k${i}`], k);
      });
      const found = Number(raw.__ferry_found) === 1;
      const change: Change =
        op === 'U' && found
          ? { op: 'upsert', key, row: table.decodeRow(raw), position: `changelog:${id}` }
          : { op: 'delete', key, position: `changelog:${id}` };
      // Entries for one key collapse to the latest: each upsert already carries the row as it is now.
      const k = JSON.stringify(encodeRecord(key));
      byKey.delete(k);
      byKey.set(k, change);
    };

    if (gaps.length > 0) {
      const p = gapPredicate('l.ferry_id', dialect.param(LOG_ID), gaps);
      const rows = await db.query(
        `${select} WHERE ${p.sql} ORDER BY l.ferry_id ${dialect.limit(limit)}`,
        p.bindings,
      );
      for (const raw of rows) {
        tracker.fill(BigInt(String(raw.__ferry_id)));
        take(raw);
      }
    }
    const rows = await db.query(
      `${select} WHERE l.ferry_id > ${dialect.param(LOG_ID)} ORDER BY l.ferry_id ${dialect.limit(limit)}`,
      [last.toString()],
    );
    for (const raw of rows) {
      tracker.forward(BigInt(String(raw.__ferry_id)));
      take(raw);
    }

    const retentionMs = config.retentionMs ?? DEFAULT_RETENTION_MS;
    const purgeKey = table.meta.name;
    if (retentionMs > 0 && ctx.now() - (lastPurge.get(purgeKey) ?? 0) >= PURGE_EVERY_MS) {
      lastPurge.set(purgeKey, ctx.now());
      // Only entries at or below the position this read started from, which the runner has committed.
      const lowestGap = gaps.reduce((m, g) => (BigInt(g[0]) - 1n < m ? BigInt(g[0]) - 1n : m), last);
      await purgeChangelog(db, dialect, table, { throughId: lowestGap, olderThanMs: retentionMs });
    }

    return {
      changes: [...byKey.values()],
      position: {
        last: tracker.lastId.toString(),
        gaps: tracker.result(graceMs) as JsonValue,
        barrier: barrier.toString(),
      },
      more: rows.length === limit,
    };
  }

  return {
    kind: 'changelog',
    parsePosition(position) {
      if (typeof position.last !== 'string' || !/^\d+$/.test(position.last))
        throw new TypeError('`last` is not a log id');
      if (
        position.barrier !== undefined &&
        (typeof position.barrier !== 'string' || !/^\d+$/.test(position.barrier))
      ) {
        throw new TypeError('`barrier` is not a log id');
      }
      parseGaps(position.gaps);
      return position;
    },
    async watermark(ctx) {
      const config = ctx.table.capture.strategy as ChangelogStrategyConfig;
      await ensureLog(ctx, config.install === true, true);
      const log = logSql(ctx);
      const graceMs = config.graceMs ?? DEFAULT_GRACE_MS;
      const [row] = await ctx.db.query(
        `SELECT max(ferry_id) AS top, min(ferry_id) AS low, max(CASE WHEN ferry_at < ${ctx.dialect.clockMinus('timestamptz', graceMs)} THEN ferry_id END) AS settled FROM ${log}`,
      );
      const top = row?.top == null ? 0n : BigInt(String(row.top));
      const low = row?.low == null ? 1n : BigInt(String(row.low));
      const last = row?.settled == null ? low - 1n : BigInt(String(row.settled));
      return { last: (last < 0n ? 0n : last).toString(), gaps: [], barrier: top.toString() };
    },
    async changes(ctx, position, limit) {
      try {
        return await readLog(ctx, position, limit);
      } catch (err) {
        // A log table dropped under us is an expired cursor, not an error to retry forever.
        if (!(err instanceof FerryError)) await ensureLog(ctx, false, true);
        throw err;
      }
    },
    async preflight(ctx) {
      const table = ctx.table.capture.table;
      const config = ctx.table.capture.strategy as ChangelogStrategyConfig;
      const names = changelogNames(ctx.dialect, ctx.table.meta, config);
      const status = await ctx.dialect.changelog.status(ctx.db, names);
      const checks: PreflightCheck[] = [
        {
          check: 'strategy',
          ok: true,
          table,
          message: `changelog via ${names.logTable}: captures inserts, updates and deletes${ctx.dialect.changelog.logsTruncate ? ' and truncates' : '; TRUNCATE is not seen on this database'}`,
        },
      ];
      if (status.logTable && status.triggers) {
        checks.push({
          check: 'changelog',
          ok: true,
          table,
          message: `change log ${names.logTable} and its triggers are installed`,
        });
      } else if (config.install) {
        checks.push({
          check: 'changelog',
          ok: true,
          table,
          message: `change log ${names.logTable} will be created at the first capture (needs CREATE and TRIGGER privileges)`,
        });
      } else {
        checks.push({
          check: 'changelog',
          ok: false,
          table,
          message: `change log ${names.logTable} ${status.logTable ? 'has no triggers' : 'is missing'}: set strategy.install: true, or have a DBA run the DDL from changelogDdl('${table}')`,
        });
      }
      return checks;
    },
  };
}

/** Names of the log objects for a table: `<table>_ferry_log`, triggers `<table>_ferry_…`. */
export function changelogNames(
  dialect: SqlDialect,
  meta: SourceTable,
  config: ChangelogStrategyConfig,
): ChangelogNames {
  const table = meta.name.split('.').pop()!;
  // Leave room for the longest suffix a dialect appends to the trigger prefix (`_trunc`, `_fn`).
  const max = dialect.changelog.maxIdentifierLength;
  return {
    ...(meta.schema ? { schema: meta.schema } : {}),
    table,
    logTable: config.logTable ?? bounded(`${table}_ferry_log`, max),
    triggerPrefix: bounded(`${table}_ferry`, max - 8),
  };
}

function bounded(name: string, max: number): string {
  if (Buffer.byteLength(name) <= max) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  let head = name;
  while (Buffer.byteLength(`${head}_${hash}`) > max) head = head.slice(0, -1);
  return `${head}_${hash}`;
}

/** The statements that install the change log of a table (for a DBA to review, or run by {@link installChangelog}). */
export function changelogDdl(dialect: SqlDialect, table: ResolvedTable): string[] {
  const names = changelogNames(dialect, table.meta, table.capture.strategy as ChangelogStrategyConfig);
  return dialect.changelog.install(table.meta, names, table.key);
}

/** Creates the log table and triggers. */
export async function installChangelog(db: SqlDb, dialect: SqlDialect, table: ResolvedTable): Promise<void> {
  for (const statement of changelogDdl(dialect, table)) await db.query(statement);
}

/** Drops the triggers, functions and log table. */
export async function uninstallChangelog(
  db: SqlDb,
  dialect: SqlDialect,
  table: ResolvedTable,
): Promise<void> {
  const names = changelogNames(dialect, table.meta, table.capture.strategy as ChangelogStrategyConfig);
  for (const statement of dialect.changelog.uninstall(names)) await db.query(statement);
}

/**
 * Deletes log entries at or below `throughId` (default: all) and older than `olderThanMs` (default: any
 * age), leaving a `P` marker at the highest id deleted so that a cursor behind it is reported as expired
 * instead of silently skipping what was deleted. Returns the highest id deleted, if any.
 */
export async function purgeChangelog(
  db: SqlDb,
  dialect: SqlDialect,
  table: ResolvedTable,
  options: { throughId?: bigint; olderThanMs?: number } = {},
): Promise<bigint | undefined> {
  const names = changelogNames(dialect, table.meta, table.capture.strategy as ChangelogStrategyConfig);
  const log = qualifiedName(dialect, names.schema, names.logTable);
  const conditions: string[] = [];
  const bindings: unknown[] = [];
  if (options.throughId !== undefined) {
    conditions.push(`ferry_id <= ${dialect.param(LOG_ID)}`);
    bindings.push(options.throughId.toString());
  }
  if (options.olderThanMs !== undefined)
    conditions.push(`ferry_at < ${dialect.clockMinus('timestamptz', options.olderThanMs)}`);
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  return db.knex.transaction(async (trx) => {
    const q = async (sql: string, b: readonly unknown[] = []) =>
      dialect.rows(await trx.raw(sql, b as Knex.RawBinding[]));
    const [row] = await q(`SELECT max(ferry_id) AS x FROM ${log} ${where}`, bindings);
    if (row?.x == null) return undefined;
    const through = BigInt(String(row.x));
    await q(`DELETE FROM ${log} WHERE ferry_id <= ${dialect.param(LOG_ID)}`, [through.toString()]);
    await q(`INSERT INTO ${log} (ferry_id, ferry_op) VALUES (${dialect.param(LOG_ID)}, 'P')`, [
      through.toString(),
    ]);
    return through;
  });
}

function logSql(ctx: StrategyContext): string {
  const names = changelogNames(
    ctx.dialect,
    ctx.table.meta,
    ctx.table.capture.strategy as ChangelogStrategyConfig,
  );
  return qualifiedName(ctx.dialect, names.schema, names.logTable);
}

/** `SELECT` of log entries joined with the current rows, up to (not including) `WHERE`. */
function logSelect(ctx: StrategyContext): string {
  const { table, dialect } = ctx;
  const q = dialect.quote;
  const keys = table.key
    .map((k, i) => `${dialect.selectColumn(k, table.ref('l', k))} AS ${q(`__ferry_k${i}`)}`)
    .join(', ');
  const join = table.key.map((k) => `${table.ref('t', k)} = ${table.ref('l', k)}`).join(' AND ');
  const found = `CASE WHEN ${table.ref('t', table.key[0]!)} IS NULL THEN 0 ELSE 1 END`;
  return `SELECT l.ferry_id AS ${q('__ferry_id')}, l.ferry_op AS ${q('__ferry_op')}, ${keys}, ${found} AS ${q('__ferry_found')}, ${table.selectList('t')} FROM ${logSql(ctx)} l LEFT JOIN ${table.sqlName} t ON ${join}`;
}
