// A Source for any SQL database on knex: the shared part of every SQL connector.
import type { Knex } from 'knex';
import type { Change, FerryRecord } from '../../changes/index.js';
import { FerryError } from '../../errors/index.js';
import { createCheckpointCodec, type Position } from '../checkpoint.js';
import type { CaptureTable, PreflightCheck, SnapshotChunk, Source, SourceTable } from '../source.js';
import {
  changelogDdl,
  changelogStrategy,
  installChangelog,
  purgeChangelog,
  uninstallChangelog,
} from '../strategies/changelog.js';
import { diffStrategy } from '../strategies/diff.js';
import { incrementingStrategy } from '../strategies/incrementing.js';
import type { CaptureStrategy, StrategyContext } from '../strategies/strategy.js';
import { timestampStrategy } from '../strategies/timestamp.js';
import { ChangeList, eachUpsert } from './change-list.js';
import type { RawRow, SqlDb, SqlDialect } from './dialect.js';
import { afterPredicate, type KeyOrder, orderList, type SqlFragment } from './keyset.js';
import { type ResolvedTable, resolveTable } from './resolved-table.js';

/** Options of {@link createSqlSource}. */
export interface SqlSourceOptions {
  /** Connector name, e.g. `postgres`. */
  name: string;
  dialect: SqlDialect;
  /** A knex instance to use (the caller's own, e.g. a business system's). */
  knex?: Knex;
  /** Creates the knex instance on first use, so that creating a source does no I/O. Used when `knex` is absent. */
  createKnex?: () => Promise<Knex>;
  /** Destroy the knex instance on {@link Source.close}; true when the source created it. Default false. */
  ownsKnex?: boolean;
  /** How often a table's shape is read again to notice added or renamed columns. Default 30 000 ms. */
  schemaRefreshMs?: number;
  /** Further capture strategies (a connector's native ones), by their `kind`. */
  strategies?: readonly CaptureStrategy[];
  /** Clock for grace periods (tests). Default `Date.now`. */
  now?: () => number;
}

/** A {@link Source} on SQL, with change-log administration. */
export interface SqlSource extends Source {
  /** The connection, created on first use. */
  db(): Promise<SqlDb>;
  /** The statements that install the change log of a table (for review by a DBA). */
  changelogDdl(table: CaptureTable): Promise<string[]>;
  /** Creates the change log table and triggers of a table. */
  installChangelog(table: CaptureTable): Promise<void>;
  /** Drops the change log table, triggers and functions of a table. */
  uninstallChangelog(table: CaptureTable): Promise<void>;
  /**
   * Deletes change log entries older than `olderThanMs` (all when omitted), leaving a marker that makes a
   * cursor behind it `FERRY_CURSOR_EXPIRED`. Returns the highest id deleted.
   */
  purgeChangelog(table: CaptureTable, options?: { olderThanMs?: number }): Promise<bigint | undefined>;
}

/** Tables up to this many rows are counted exactly by {@link SqlSource.estimateRows}; larger ones come from statistics. */
const EXACT_COUNT_LIMIT = 100_000;

interface CachedTable {
  meta: SourceTable;
  loadedAt: number;
  resolved: Map<string, ResolvedTable>;
}

/**
 * Builds a {@link Source} from a knex instance and a {@link SqlDialect}: snapshots by keyset pagination
 * (the next chunk is fetched while the current one is handed out), the `incrementing`, `timestamp`,
 * `changelog` and `diff` strategies, cursors, preflight. A SQL connector package is a dialect plus a
 * factory that calls this.
 *
 * @example
 * ```ts
 * import knex from 'knex';
 * import { createSqlSource } from '@ferry/sdk/connector';
 *
 * const source = createSqlSource({
 *   name: 'postgres',
 *   dialect: postgresDialect,
 *   createKnex: async () => knex({ client: 'pg', connection: url }),
 *   ownsKnex: true,
 * });
 * ```
 */
export function createSqlSource(options: SqlSourceOptions): SqlSource {
  const { dialect } = options;
  const now = options.now ?? Date.now;
  const refreshMs = options.schemaRefreshMs ?? 30_000;
  const strategies = new Map<string, CaptureStrategy>();
  for (const s of [
    incrementingStrategy(),
    timestampStrategy(),
    changelogStrategy(),
    diffStrategy(),
    ...(options.strategies ?? []),
  ]) {
    strategies.set(s.kind, s);
  }
  const tables = new Map<string, CachedTable>();
  /**
   * Tables whose changes a consumer read as objects. Until then the changes of each read are encoded as the
   * rows arrive (see ChangeList): the outbox only needs the bytes, and ten thousand rows kept as objects
   * while a batch is sealed and stored would be promoted to V8's old generation, which then grows with the
   * table until a full collection.
   */
  const objectReaders = new Set<string>();
  const newChangeList = (capture: CaptureTable, expected: number) =>
    new ChangeList(!objectReaders.has(capture.table), expected, () => objectReaders.add(capture.table));
  let dbPromise: Promise<SqlDb> | undefined;
  let closed = false;

  function db(): Promise<SqlDb> {
    if (closed)
      return Promise.reject(
        new FerryError('FERRY_SOURCE_UNAVAILABLE', `The ${options.name} source is closed`),
      );
    dbPromise ??= (async () => {
      const knex = options.knex ?? (await options.createKnex?.());
      if (!knex)
        throw new FerryError(
          'FERRY_CONFIG_INVALID',
          `The ${options.name} source needs \`knex\` or \`createKnex\``,
        );
      return {
        knex,
        async query(sql: string, bindings: readonly unknown[] = []) {
          return dialect.rows(await knex.raw(sql, bindings as Knex.RawBinding[]));
        },
      };
    })();
    return dbPromise;
  }

  function strategyOf(capture: CaptureTable): CaptureStrategy {
    const strategy = strategies.get(capture.strategy.kind);
    if (!strategy) {
      throw new FerryError(
        'FERRY_CONFIG_INVALID',
        `${capture.table}: unknown strategy \`${capture.strategy.kind}\`; use one of ${[...strategies.keys()].join(', ')}`,
        { location: { field: 'strategy.kind' } },
      );
    }
    return strategy;
  }

  async function describe(name: string, fresh: boolean): Promise<CachedTable> {
    const cached = tables.get(name);
    if (cached && !fresh) return cached;
    const [meta] = await dialect.discover(await db(), [name]);
    const entry: CachedTable = { meta: meta!, loadedAt: now(), resolved: new Map() };
    tables.set(name, entry);
    return entry;
  }

  async function context(capture: CaptureTable, refresh: boolean): Promise<StrategyContext> {
    const cached = tables.get(capture.table);
    const entry = await describe(capture.table, !cached || (refresh && now() - cached.loadedAt >= refreshMs));
    const id = JSON.stringify(capture);
    let table = entry.resolved.get(id);
    if (!table) {
      table = resolveTable(dialect, capture, entry.meta, requiredColumns(capture));
      entry.resolved.set(id, table);
    }
    const sqlDb = await db();
    const resolved = table;
    return {
      db: sqlDb,
      dialect,
      table: resolved,
      now,
      readChunk: async (afterKey, limit, order) =>
        (await readChunkRaw(sqlDb, dialect, resolved, afterKey, limit, order)).map(resolved.decodeRow),
      changeList: (expected) => newChangeList(capture, expected),
    };
  }

  /** Runs `fn`; when the table shape changed under it (a column was renamed or dropped), once more with a fresh shape. */
  async function withShape<T>(
    capture: CaptureTable,
    refresh: boolean,
    fn: (ctx: StrategyContext) => Promise<T>,
  ): Promise<T> {
    try {
      return await fn(await context(capture, refresh));
    } catch (err) {
      if (!dialect.isUndefinedColumn(err)) throw err;
      tables.delete(capture.table);
      return fn(await context(capture, true));
    }
  }

  const source: SqlSource = {
    name: options.name,
    checkpoint: createCheckpointCodec((kind, position) => {
      const strategy = strategies.get(kind);
      if (!strategy) throw new TypeError(`unknown strategy ${kind}`);
      return strategy.parsePosition(position);
    }),
    db,

    async discover(names) {
      const found = await dialect.discover(await db(), names);
      for (const meta of found) tables.set(meta.name, { meta, loadedAt: now(), resolved: new Map() });
      return found;
    },

    async watermark(capture) {
      const strategy = strategyOf(capture);
      return withShape(capture, true, (ctx) => strategy.watermark(ctx));
    },

    snapshot(capture, snapshotOptions) {
      return snapshotChunks(capture, snapshotOptions);
    },

    async changes(capture, position, { limit }) {
      const strategy = strategyOf(capture);
      return withShape(capture, true, async (ctx) => {
        const read = await strategy.changes(ctx, position, limit);
        // Assigned rather than spread: the changes may travel encoded and be decoded only when read.
        return Object.assign(read, { columns: ctx.table.columns.map((c) => c.name) });
      });
    },

    async preflight(captures) {
      const checks: PreflightCheck[] = [];
      let sqlDb: SqlDb;
      try {
        sqlDb = await db();
        await sqlDb.query(`SELECT 1${dialect.selectWithoutTable ?? ''}`);
        checks.push({ check: 'connect', ok: true, message: `connected to ${options.name}` });
      } catch (err) {
        return [
          {
            check: 'connect',
            ok: false,
            message: `cannot connect to ${options.name}: ${(err as Error).message}; check host, port, user and password`,
          },
        ];
      }
      for (const capture of captures) checks.push(...(await preflightTable(sqlDb, capture)));
      if (captures.length > 0) {
        checks.push({
          check: 'replication',
          ok: true,
          message: 'no REPLICATION privilege or log settings needed: capture runs plain SELECTs',
        });
      }
      return checks;
    },

    async estimateRows(capture) {
      const ctx = await context(capture, false);
      // Counting stops after the limit, so this stays an index-sized read however large the table is.
      let counted: number | undefined;
      try {
        const [row] = await ctx.db.query(
          `SELECT count(*) AS n FROM (SELECT 1 AS one FROM ${ctx.table.sqlName} ${dialect.limit(EXACT_COUNT_LIMIT + 1)}) t`,
        );
        counted = Number(row?.n ?? 0);
        if (counted <= EXACT_COUNT_LIMIT) return counted;
      } catch {
        // A dialect whose LIMIT cannot stand in a subquery: statistics only.
      }
      const statistics = await dialect.statisticsRowCount?.(ctx.db, ctx.table.meta).catch(() => undefined);
      if (statistics === undefined) return counted;
      return Math.max(statistics, counted ?? 0);
    },

    async changelogDdl(capture) {
      const ctx = await context(capture, false);
      return changelogDdl(dialect, ctx.table);
    },
    async installChangelog(capture) {
      const ctx = await context(capture, false);
      await installChangelog(ctx.db, dialect, ctx.table);
    },
    async uninstallChangelog(capture) {
      const ctx = await context(capture, false);
      await uninstallChangelog(ctx.db, dialect, ctx.table);
    },
    async purgeChangelog(capture, purgeOptions = {}) {
      const ctx = await context(capture, false);
      return purgeChangelog(ctx.db, dialect, ctx.table, purgeOptions);
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const s of strategies.values()) await s.close?.();
      if (dbPromise && options.ownsKnex) await (await dbPromise).knex.destroy();
    },
  };

  async function* snapshotChunks(
    capture: CaptureTable,
    {
      chunkSize,
      afterKey,
      position,
      signal,
    }: { chunkSize: number; afterKey?: FerryRecord; position: Position; signal?: AbortSignal },
  ): AsyncGenerator<SnapshotChunk> {
    const strategy = strategyOf(capture);
    const ctx = await context(capture, true);
    const { table } = ctx;
    const order: KeyOrder = strategy.snapshotOrder ?? 'natural';
    const columns = table.columns.map((c) => c.name);
    const from = strategy.snapshotFrom?.(ctx, position);
    const read = (after: FerryRecord | undefined) =>
      chunkQuery(dialect, table, after, chunkSize, order, from);
    let after = afterKey;
    let pos = position;
    let finished = false;
    /** The driver rows of the next chunk, read while the current one is written (chunks as objects only). */
    let ahead: Promise<RawRow[]> | undefined;

    while (!finished) {
      // Each chunk is made in a function of its own and only passed through here (no variable of this
      // generator holds it), so neither it nor its driver rows stay reachable while the next one is read.
      yield await nextChunk();
      if (signal?.aborted) return;
    }

    async function nextChunk(): Promise<SnapshotChunk> {
      try {
        // A strategy that looks at each chunk's rows (diff) gets them as objects.
        return strategy.afterSnapshotChunk || objectReaders.has(capture.table)
          ? await objectChunk()
          : await encodedChunk();
      } catch (err) {
        // A column renamed under a snapshot: read the shape again before the runner retries.
        if (dialect.isUndefinedColumn(err)) tables.delete(capture.table);
        throw err;
      }
    }

    // Rows encoded as they arrive, the next chunk read when this one was written: what is held meanwhile is
    // one buffer, and each row's objects die young. Reading ahead would keep two chunks alive across a write.
    async function encodedChunk(): Promise<SnapshotChunk> {
      const changes = newChangeList(capture, chunkSize);
      const query = read(after);
      const { count, last } = await eachUpsert(ctx.db, dialect, table, query.sql, query.bindings, changes);
      return changes.into(chunkAfter(count, last && table.keyOf(last)));
    }

    // Rows as objects (for a consumer that reads them), the next chunk fetched while this one is written.
    async function objectChunk(): Promise<SnapshotChunk> {
      const fetch = () => {
        const query = read(after);
        return ctx.db.query(query.sql, query.bindings);
      };
      const rows = (await (ahead ?? fetch())).map(table.decodeRow);
      ahead = undefined;
      const lastKey = rows.length > 0 ? table.keyOf(rows[rows.length - 1]!) : undefined;
      const chunk = chunkAfter(rows.length, lastKey);
      if (!chunk.done && !signal?.aborted) {
        ahead = fetch();
        ahead.catch(() => undefined);
      }
      if (strategy.afterSnapshotChunk) {
        pos = await strategy.afterSnapshotChunk(ctx, rows, pos, chunk.done);
        chunk.position = pos;
      }
      const changes: Change[] = rows.map((row) => ({ op: 'upsert', key: table.keyOf(row), row }));
      return Object.assign(chunk, { changes });
    }

    /** A chunk of `n` rows ending at `lastKey` (without its changes); moves the snapshot past it. */
    function chunkAfter(n: number, lastKey: FerryRecord | undefined): Omit<SnapshotChunk, 'changes'> {
      const done = n < chunkSize;
      finished = done;
      if (lastKey) after = lastKey;
      return { ...(after ? { lastKey: after } : {}), position: pos, done, columns };
    }
  }

  async function preflightTable(sqlDb: SqlDb, capture: CaptureTable): Promise<PreflightCheck[]> {
    const name = capture.table;
    let ctx: StrategyContext;
    try {
      strategyOf(capture);
      await describe(name, true);
      ctx = await context(capture, false);
    } catch (err) {
      const code = err instanceof FerryError ? err.code : undefined;
      const check =
        code === 'FERRY_NOT_FOUND'
          ? 'table'
          : code === 'FERRY_CONFIG_INVALID'
            ? ((err as FerryError).location?.field ?? 'config')
            : 'discover';
      return [
        {
          check: check.startsWith('key') ? 'key' : check,
          ok: false,
          table: name,
          message: (err as Error).message,
        },
      ];
    }
    const checks: PreflightCheck[] = [];
    try {
      await sqlDb.query(`SELECT ${ctx.table.selectList('t')} FROM ${ctx.table.sqlName} t WHERE 1 = 0`);
      checks.push({ check: 'select-privilege', ok: true, table: name, message: `can read ${name}` });
    } catch (err) {
      checks.push({
        check: 'select-privilege',
        ok: false,
        table: name,
        message: `cannot read ${name} (${(err as Error).message}); GRANT SELECT ON ${name} to the connector's user`,
      });
      return checks;
    }
    if (ctx.table.meta.primaryKey.length === 0) {
      checks.push({
        check: 'key',
        ok: true,
        table: name,
        message: `no primary key; using the configured key (${ctx.table.key.map((k) => k.name).join(', ')}), which must be unique`,
      });
    }
    checks.push(...(await strategyOf(capture).preflight(ctx)));
    if (dialect.preflight) checks.push(...(await dialect.preflight(sqlDb, ctx.table.meta, capture)));
    return checks;
  }

  return source;
}

/** Raw rows strictly after `afterKey` in key order. */
function readChunkRaw(
  db: SqlDb,
  dialect: SqlDialect,
  table: ResolvedTable,
  afterKey: FerryRecord | undefined,
  limit: number,
  order: KeyOrder,
): Promise<RawRow[]> {
  const query = chunkQuery(dialect, table, afterKey, limit, order);
  return db.query(query.sql, query.bindings);
}

/** The statement reading the rows strictly after `afterKey` in key order, at most `limit`. */
function chunkQuery(
  dialect: SqlDialect,
  table: ResolvedTable,
  afterKey: FerryRecord | undefined,
  limit: number,
  order: KeyOrder,
  /** The table reference to read from (a strategy's {@link CaptureStrategy.snapshotFrom}); the table by default. */
  from?: SqlFragment,
): SqlFragment {
  const keys = table.key.map((c) => ({ column: c, sql: table.ref('t', c) }));
  const where = afterKey ? afterPredicate(dialect, keys, afterKey, order) : undefined;
  return {
    sql: `SELECT ${table.selectList('t')} FROM ${from?.sql ?? table.sqlName} t${where ? ` WHERE ${where.sql}` : ''} ORDER BY ${orderList(dialect, keys, order)} ${dialect.limit(limit)}`,
    bindings: [...(from?.bindings ?? []), ...(where?.bindings ?? [])],
  };
}

function requiredColumns(capture: CaptureTable): string[] {
  const s = capture.strategy;
  if (s.kind === 'timestamp') return [s.column];
  if (s.kind === 'incrementing' && s.column) return [s.column];
  return [];
}
