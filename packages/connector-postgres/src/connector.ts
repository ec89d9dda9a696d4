import { type ConnectorFactory, createSqlSource, loadModule, type SqlSource } from '@ferry/sdk/connector';
import type { Knex } from 'knex';
import { postgresDialect, postgresSelectDialect } from './dialect.js';
import { ferryPgTypes } from './type-parsers.js';

/** Configuration of {@link postgres}. */
export interface PostgresConfig {
  /** A connection string (`postgres://user:pass@host:5432/db`) or pg client options. */
  connection?: string | Record<string, unknown>;
  /**
   * Session time zone (`SET TIME ZONE`), e.g. `Asia/Shanghai`: the offset `timestamptz` values carry, and
   * the zone `timestamp without time zone` lags are measured in. Default: the server's.
   */
  timeZone?: string;
  /** Connection pool size. Default `{ min: 0, max: 4 }`. */
  pool?: { min?: number; max?: number };
  /**
   * A knex instance to use instead of creating one. Create it with {@link postgresKnexConfig} so values
   * keep full precision; the source does not destroy it on close.
   */
  knex?: Knex;
  /** The `knex` module, when it cannot be imported (bundlers). */
  knexModule?: typeof import('knex');
  /**
   * Read snapshots with `COPY (query) TO STDOUT` (default `true`): about twice as fast as `SELECT`, and it
   * needs only the SELECT privilege. Set `false` for a PostgreSQL-wire database without COPY of a query.
   */
  copy?: boolean;
  /** How often table shapes are read again. Default 30 000 ms. */
  schemaRefreshMs?: number;
  /**
   * Where knex's own warnings go (a failed connection attempt, with its stack). By default knex prints them
   * with `console.log`, which breaks a daemon's JSON log lines.
   */
  log?: Knex.Logger;
}

/**
 * The knex configuration the connector uses: client `pg`, pg type parsers that return numbers, decimals
 * and date-times as text (per client, never pg's global parsers), ISO date style, optional session zone.
 */
export function postgresKnexConfig(
  config: Pick<PostgresConfig, 'connection' | 'timeZone' | 'pool' | 'log'>,
): Knex.Config {
  const connection =
    typeof config.connection === 'string'
      ? { connectionString: config.connection }
      : { ...(config.connection ?? {}) };
  const session = [
    `SET DateStyle = 'ISO, YMD'`,
    `SET IntervalStyle = 'iso_8601'`,
    'SET extra_float_digits = 3',
  ];
  if (config.timeZone) session.push(`SET TIME ZONE '${config.timeZone.replace(/'/g, "''")}'`);
  return {
    client: 'pg',
    ...(config.log ? { log: config.log } : {}),
    connection: { ...connection, types: ferryPgTypes } as Knex.PgConnectionConfig,
    pool: {
      min: config.pool?.min ?? 0,
      max: config.pool?.max ?? 4,
      afterCreate(
        conn: { query(sql: string, cb: (err?: Error) => void): void },
        done: (err: Error | undefined, conn: unknown) => void,
      ) {
        conn.query(session.join('; '), (err) => done(err, conn));
      },
    },
  };
}

/**
 * Source connector for PostgreSQL-wire databases (PostgreSQL, KingbaseES, openGauss, Highgo): discovery
 * from information_schema and pg_catalog, chunked snapshots, and the `incrementing`, `timestamp`,
 * `changelog` and `diff` strategies. `knex` and `pg` are loaded on first use.
 *
 * @example
 * ```ts
 * import { postgres } from '@ferry/connector-postgres';
 * import { runConnector } from '@ferry/sdk/connector';
 *
 * const source = postgres({ connection: 'postgres://ferry@127.0.0.1:5432/licences', timeZone: 'Asia/Shanghai' });
 * console.table(await source.preflight([{ table: 'public.licence', strategy: { kind: 'changelog', install: true } }]));
 * ```
 */
export const postgres: ConnectorFactory<PostgresConfig, SqlSource> = (config): SqlSource =>
  createSqlSource({
    name: 'postgres',
    dialect: config.copy === false ? postgresSelectDialect : postgresDialect,
    ...(config.knex
      ? { knex: config.knex }
      : {
          ownsKnex: true,
          createKnex: async () => {
            const knex = await loadModule('knex', 'knexModule', () => import('knex'), config.knexModule);
            // knex loads the driver itself; importing it first turns a missing driver into a clear message.
            await loadModule('pg', 'knex', () => import('pg'));
            const create = ((knex as { knex?: unknown }).knex ?? knex) as (c: Knex.Config) => Knex;
            return create(postgresKnexConfig(config));
          },
        }),
    ...(config.schemaRefreshMs === undefined ? {} : { schemaRefreshMs: config.schemaRefreshMs }),
  });
