import { type ConnectorFactory, createSqlSource, loadModule, type SqlSource } from '@ferry/sdk/connector';
import type { Knex } from 'knex';
import { mysqlDialect } from './dialect.js';

/** Configuration of {@link mysql}. */
export interface MysqlConfig {
  /** A connection string (`mysql://user:pass@host:3306/db`) or mysql2 connection options. */
  connection?: string | Record<string, unknown>;
  /**
   * Session time zone (`SET time_zone`), e.g. `+08:00`: the zone `DATETIME` lags are measured in. Set it to
   * the zone the application writes DATETIME values in. Default: the server's.
   */
  timeZone?: string;
  /** Connection pool size. Default `{ min: 0, max: 4 }`. */
  pool?: { min?: number; max?: number };
  /** A knex instance to use instead (create it with {@link mysqlKnexConfig}); not destroyed on close. */
  knex?: Knex;
  /** The `knex` module, when it cannot be imported (bundlers). */
  knexModule?: typeof import('knex');
  /** How often table shapes are read again. Default 30 000 ms. */
  schemaRefreshMs?: number;
  /**
   * Where knex's own warnings go (a failed connection attempt, with its stack). By default knex prints them
   * with `console.log`, which breaks a daemon's JSON log lines.
   */
  log?: Knex.Logger;
}

/**
 * The knex configuration the connector uses: client `mysql2` returning BIGINT, DECIMAL and date-times as
 * text (`supportBigNumbers`, `bigNumberStrings`, `decimalNumbers: false`, `dateStrings`), charset utf8mb4.
 */
export function mysqlKnexConfig(
  config: Pick<MysqlConfig, 'connection' | 'timeZone' | 'pool' | 'log'>,
): Knex.Config {
  const connection =
    typeof config.connection === 'string' ? { uri: config.connection } : { ...(config.connection ?? {}) };
  const session: string[] = [];
  if (config.timeZone) session.push(`SET time_zone = '${config.timeZone.replace(/'/g, "''")}'`);
  return {
    client: 'mysql2',
    ...(config.log ? { log: config.log } : {}),
    connection: {
      ...connection,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      dateStrings: true,
      charset: 'utf8mb4',
    } as Knex.MySql2ConnectionConfig,
    pool: {
      min: config.pool?.min ?? 0,
      max: config.pool?.max ?? 4,
      afterCreate(
        conn: { query(sql: string, cb: (err?: Error) => void): void },
        done: (err: Error | undefined, conn: unknown) => void,
      ) {
        const run = (i: number): void => {
          if (i === session.length) {
            done(undefined, conn);
            return;
          }
          conn.query(session[i]!, (err) => (err ? done(err, conn) : run(i + 1)));
        };
        run(0);
      },
    },
  };
}

/**
 * Source connector for MySQL-wire databases (MySQL, MariaDB, TiDB, OceanBase MySQL mode): discovery from
 * information_schema, chunked snapshots, and the `incrementing`, `timestamp`, `changelog` and `diff`
 * strategies. `knex` and `mysql2` are loaded on first use.
 *
 * @example
 * ```ts
 * import { mysql } from '@ferry/connector-mysql';
 *
 * const source = mysql({ connection: 'mysql://ferry@127.0.0.1:3306/licences', timeZone: '+08:00' });
 * console.table(await source.preflight([{ table: 'licence', strategy: { kind: 'timestamp', column: 'updated_at' } }]));
 * ```
 */
export const mysql: ConnectorFactory<MysqlConfig, SqlSource> = (config): SqlSource =>
  createSqlSource({
    name: 'mysql',
    dialect: mysqlDialect,
    ...(config.knex
      ? { knex: config.knex }
      : {
          ownsKnex: true,
          createKnex: async () => {
            const knex = await loadModule('knex', 'knexModule', () => import('knex'), config.knexModule);
            // knex loads the driver itself; importing it first turns a missing driver into a clear message.
            await loadModule('mysql2', 'knex', () => import('mysql2'));
            const create = ((knex as { knex?: unknown }).knex ?? knex) as (c: Knex.Config) => Knex;
            return create(mysqlKnexConfig(config));
          },
        }),
    ...(config.schemaRefreshMs === undefined ? {} : { schemaRefreshMs: config.schemaRefreshMs }),
  });
