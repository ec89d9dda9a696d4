// Opens the hub's database: SQLite (a file, the default, for a department-sized pilot) or PostgreSQL (when
// `database.url` is set, for several stateless hub processes). Everything above this file is written once
// for both through knex; the hot ingest statements are per dialect (see dialects/).
import { resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import knexFactory, { type Knex } from 'knex';
import type { HubConfig } from '../config/schema.js';
import { type Dialect, postgresDialect, sqliteDialect } from './dialects/index.js';
import { migrationSource } from './migrations.js';

/** An open hub database. */
export interface Database {
  readonly knex: Knex;
  readonly kind: 'sqlite' | 'postgres';
  /** Batched statements of this database kind. */
  readonly dialect: Dialect;
  /** PostgreSQL schema holding the hub's tables (undefined for SQLite). */
  readonly schema: string | undefined;
  /** Closes every connection. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens the database of `config` and brings its schema up to date (migrations run inside the hub, so a new
 * version upgrades its database on start).
 */
export async function openDatabase(config: HubConfig['database'], baseDir: string): Promise<Database> {
  const db = config.url ? openPostgres(config) : openSqlite(config, baseDir);
  try {
    if (db.kind === 'postgres') await db.knex.raw('CREATE SCHEMA IF NOT EXISTS ??', [db.schema!]);
    await db.knex.migrate.latest({
      migrationSource,
      tableName: 'ferry_migrations',
      ...(db.kind === 'postgres' ? { schemaName: db.schema! } : {}),
    });
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

/** Page size of a new SQLite database. */
const PAGE_SIZE = 16_384;

function openSqlite(config: HubConfig['database'], baseDir: string): Database {
  const filename = config.sqlite === ':memory:' ? ':memory:' : resolve(baseDir, config.sqlite);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    // One connection: SQLite has one writer anyway, and it keeps transactions strictly serial.
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: BetterSqlite3.Database, done: (err: Error | null, conn: unknown) => void) => {
        try {
          // 16 KiB pages for a new database (an existing one keeps its size): the resource tables hold rows of a
          // few hundred bytes written in batches of thousands, and against 4 KiB pages SQLite spends about a
          // quarter less CPU per row on them (fewer pages to split, log in the WAL and checkpoint).
          conn.pragma(`page_size = ${PAGE_SIZE}`);
          conn.pragma('journal_mode = WAL');
          conn.pragma(`synchronous = ${config.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          cachePreparedStatements(conn);
          done(null, conn);
        } catch (err) {
          done(err as Error, conn);
        }
      },
    },
  });
  return closable(knex, 'sqlite', sqliteDialect, undefined);
}

/**
 * knex prepares every query afresh on better-sqlite3; the hub runs the same few statements for every envelope,
 * so a connection keeps its prepared data statements (keyed by their SQL text, bounded) and reuses them.
 * SQLite re-prepares a statement by itself when the schema changed under it.
 */
function cachePreparedStatements(conn: BetterSqlite3.Database): void {
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, BetterSqlite3.Statement>();
  const cacheable = /^\s*(select|insert|update|delete|with)\b/i;
  conn.prepare = ((sql: string) => {
    let statement = cache.get(sql);
    if (statement) return statement;
    statement = prepare(sql);
    if (cacheable.test(sql)) {
      if (cache.size >= 256) cache.clear();
      cache.set(sql, statement);
    }
    return statement;
  }) as typeof conn.prepare;
}

function openPostgres(config: HubConfig['database']): Database {
  const knex = knexFactory({
    client: 'pg',
    connection: config.url!,
    searchPath: [config.schema],
    pool: { min: 0, max: config.poolMax },
  });
  return closable(knex, 'postgres', postgresDialect, config.schema);
}

function closable(
  knex: Knex,
  kind: Database['kind'],
  dialect: Dialect,
  schema: string | undefined,
): Database {
  let closed: Promise<void> | undefined;
  return {
    knex,
    kind,
    dialect,
    schema,
    close: () => {
      closed ??= knex.destroy();
      return closed;
    },
  };
}
