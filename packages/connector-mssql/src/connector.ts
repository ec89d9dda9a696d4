import { type ConnectorFactory, createSqlSource, loadModule, type SqlSource } from '@ferry/sdk/connector';
import type { Knex } from 'knex';
import { cdcStrategy } from './cdc.js';
import { changeTrackingStrategy } from './change-tracking.js';
import { mssqlDialect } from './dialect.js';
import { rowversionStrategy } from './rowversion.js';

/** Configuration of {@link mssql}. */
export interface MssqlConfig {
  /**
   * `mssql://user:password@host:1433/database`, or knex `mssql` connection options (`server`, `user`,
   * `password`, `database`, `options: { encrypt, trustServerCertificate, instanceName }`).
   */
  connection?: string | Record<string, unknown>;
  /**
   * Not applied to the session (SQL Server has no session time zone): `datetime2` lags are measured against
   * SYSDATETIME(), the server's local clock. Accepted so that configurations shaped like the other
   * connectors' validate; preflight states the server's offset.
   */
  timeZone?: string;
  /** Connection pool size. Default `{ min: 0, max: 4 }`. */
  pool?: { min?: number; max?: number };
  /** A knex instance to use instead (create it with {@link mssqlKnexConfig}); not destroyed on close. */
  knex?: Knex;
  /** The `knex` module, when it cannot be imported (bundlers). */
  knexModule?: typeof import('knex');
  /** How often table shapes are read again. Default 30 000 ms. */
  schemaRefreshMs?: number;
}

/** `mssql://user:pass@host:1433/db?encrypt=true&trustServerCertificate=true` → knex mssql connection options. */
export function mssqlConnectionOptions(
  connection: string | Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (typeof connection !== 'string') return { ...(connection ?? {}) };
  const url = new URL(connection);
  const flag = (name: string) =>
    url.searchParams.has(name) ? url.searchParams.get(name) === 'true' : undefined;
  const options: Record<string, unknown> = {};
  for (const name of ['encrypt', 'trustServerCertificate'] as const)
    if (flag(name) !== undefined) options[name] = flag(name);
  if (url.searchParams.has('instanceName')) options.instanceName = url.searchParams.get('instanceName');
  return {
    server: url.hostname,
    port: Number(url.port || 1433),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    ...(Object.keys(options).length ? { options } : {}),
  };
}

/**
 * The knex configuration the connector uses: client `mssql` (knex drives tedious directly), `useUTC: true`
 * (tedious's default; the connector never lets a date-time reach a JS Date — see type-mapping.ts), and a
 * request timeout long enough for large chunks.
 */
export function mssqlKnexConfig(config: Pick<MssqlConfig, 'connection' | 'pool'>): Knex.Config {
  const connection = mssqlConnectionOptions(config.connection);
  const options = (connection.options ?? {}) as Record<string, unknown>;
  return {
    client: 'mssql',
    connection: {
      requestTimeout: 300_000,
      ...connection,
      options: { useUTC: true, appName: 'ferry', ...options },
    } as unknown as Knex.MsSqlConnectionConfig,
    pool: { min: config.pool?.min ?? 0, max: config.pool?.max ?? 4 },
  };
}

/**
 * Source connector for Microsoft SQL Server 2016 SP1 and later (and Azure SQL): discovery from the sys
 * catalog, chunked snapshots, the `incrementing`, `timestamp`, `changelog` and `diff` strategies, and the
 * native `change-tracking`, `cdc` and `rowversion` strategies. `knex` and `tedious` are loaded on first use.
 *
 * @example
 * ```ts
 * import { mssql } from '@ferry/connector-mssql';
 *
 * const source = mssql({ connection: 'mssql://ferry:secret@127.0.0.1:1433/licences?trustServerCertificate=true' });
 * console.table(await source.preflight([{ table: 'dbo.licence', strategy: { kind: 'change-tracking' } as never }]));
 * ```
 */
export const mssql: ConnectorFactory<MssqlConfig, SqlSource> = (config): SqlSource =>
  createSqlSource({
    name: 'mssql',
    dialect: mssqlDialect,
    strategies: [changeTrackingStrategy(), cdcStrategy(), rowversionStrategy()],
    ...(config.knex
      ? { knex: config.knex }
      : {
          ownsKnex: true,
          createKnex: async () => {
            const knex = await loadModule('knex', 'knexModule', () => import('knex'), config.knexModule);
            // knex loads the driver itself; importing it first turns a missing driver into a clear message.
            await loadModule('tedious', 'knex', () => import('tedious'));
            const create = ((knex as { knex?: unknown }).knex ?? knex) as (c: Knex.Config) => Knex;
            return create(mssqlKnexConfig(config));
          },
        }),
    ...(config.schemaRefreshMs === undefined ? {} : { schemaRefreshMs: config.schemaRefreshMs }),
  });
