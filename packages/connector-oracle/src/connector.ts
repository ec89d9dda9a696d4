import { type ConnectorFactory, createSqlSource, loadModule, type SqlSource } from '@ferry/sdk/connector';
import type { Knex } from 'knex';
import { createOracleDialect } from './dialect.js';
import { flashbackStrategy } from './flashback.js';
import { rowscnStrategy } from './rowscn.js';

/** The slice of the `oracledb` module the connector uses (its type constants). */
export interface OracledbTypes {
  DB_TYPE_NUMBER: unknown;
  DB_TYPE_CLOB: unknown;
  DB_TYPE_NCLOB: unknown;
  DB_TYPE_BLOB: unknown;
  DB_TYPE_DATE: unknown;
  DB_TYPE_TIMESTAMP: unknown;
  DB_TYPE_TIMESTAMP_TZ: unknown;
  DB_TYPE_TIMESTAMP_LTZ: unknown;
  STRING: unknown;
  BUFFER: unknown;
}

/** Configuration of {@link oracle}. */
export interface OracleConfig {
  /**
   * `oracle://user:password@host:1521/service_name`, or node-oracledb connection options
   * (`{ user, password, connectString }`).
   */
  connection?: string | Record<string, unknown>;
  /**
   * Session time zone (`ALTER SESSION SET TIME_ZONE`), e.g. `Asia/Shanghai` or `+08:00`: the zone
   * `LOCALTIMESTAMP` (the clock of `timestamp` lags on DATE/TIMESTAMP columns) is in. Set it to the zone the
   * application writes in. Default: the server's default for the session.
   */
  timeZone?: string;
  /** Connection pool size. Default `{ min: 0, max: 4 }`. */
  pool?: { min?: number; max?: number };
  /** A knex instance to use instead (create it with {@link oracleKnexConfig}); not destroyed on close. */
  knex?: Knex;
  /** The `knex` module, when it cannot be imported (bundlers). */
  knexModule?: typeof import('knex');
  /** The `oracledb` module, when it cannot be imported. Thin mode: no Oracle Client libraries needed. */
  oracledb?: OracledbTypes;
  /** How often table shapes are read again. Default 30 000 ms. */
  schemaRefreshMs?: number;
  /** Largest CLOB/NCLOB (characters) or BLOB (bytes) value accepted. Default 64 MiB. */
  maxLobBytes?: number;
}

/**
 * node-oracledb's `fetchTypeHandler` for the connector's queries: NUMBER and date-times as strings (exact
 * digits; date-times are normally already text from TO_CHAR, this is the backstop), CLOB/NCLOB as strings,
 * BLOB as a Buffer. BINARY_FLOAT/DOUBLE stay numbers, RAW stays a Buffer (its default).
 * See node-oracledb "Query Results → Fetch Type Handlers" (https://node-oracledb.readthedocs.io/en/latest/user_guide/sql_execution.html#fetch-type-handlers).
 */
export function oracleFetchTypeHandler(oracledb: OracledbTypes) {
  const asString = new Set([
    oracledb.DB_TYPE_NUMBER,
    oracledb.DB_TYPE_CLOB,
    oracledb.DB_TYPE_NCLOB,
    oracledb.DB_TYPE_DATE,
    oracledb.DB_TYPE_TIMESTAMP,
    oracledb.DB_TYPE_TIMESTAMP_TZ,
    oracledb.DB_TYPE_TIMESTAMP_LTZ,
  ]);
  return (metadata: { dbType?: unknown }): { type: unknown } | undefined => {
    if (asString.has(metadata.dbType)) return { type: oracledb.STRING };
    if (metadata.dbType === oracledb.DB_TYPE_BLOB) return { type: oracledb.BUFFER };
    return undefined;
  };
}

/**
 * The session settings every connection gets: explicit NLS formats (so any date-time or number the
 * database turns into text has one known form, whatever the server's or the client's NLS_LANG — Thin mode
 * ignores NLS_LANG), binary comparison and sort, and the optional time zone.
 */
export function oracleSessionStatements(timeZone?: string): string[] {
  const statements = [
    `ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS'`,
    `ALTER SESSION SET NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9'`,
    `ALTER SESSION SET NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF9TZH:TZM'`,
    `ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,'`,
    'ALTER SESSION SET NLS_COMP = BINARY',
    'ALTER SESSION SET NLS_SORT = BINARY',
  ];
  if (timeZone) statements.push(`ALTER SESSION SET TIME_ZONE = '${timeZone.replace(/'/g, "''")}'`);
  return statements;
}

/** `oracle://user:pass@host:1521/service` → node-oracledb connection options. */
export function oracleConnectionOptions(
  connection: string | Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (typeof connection !== 'string') return { ...(connection ?? {}) };
  const url = new URL(connection);
  return {
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    connectString: `${url.hostname}:${url.port || '1521'}${url.pathname}`,
  };
}

interface OracleConnection {
  execute(...args: unknown[]): unknown;
}

/**
 * The knex configuration the connector uses: client `oracledb` (Thin mode), and for each connection the
 * session statements of {@link oracleSessionStatements} and a `fetchTypeHandler` added to every `execute`
 * of that connection only — never to the global `oracledb` settings, so other code in the process is not
 * affected. (knex itself assigns `oracledb.fetchAsString` from its own `fetchAsString` option, an empty
 * list here; the per-execute handler takes precedence.)
 */
export function oracleKnexConfig(
  config: Pick<OracleConfig, 'connection' | 'timeZone' | 'pool'>,
  oracledb: OracledbTypes,
): Knex.Config {
  const handler = oracleFetchTypeHandler(oracledb);
  const session = oracleSessionStatements(config.timeZone);
  return {
    client: 'oracledb',
    connection: oracleConnectionOptions(config.connection) as unknown as Knex.OracleDbConnectionConfig,
    pool: {
      min: config.pool?.min ?? 0,
      max: config.pool?.max ?? 4,
      afterCreate(conn: OracleConnection, done: (err: Error | undefined, conn: unknown) => void) {
        const execute = conn.execute.bind(conn);
        conn.execute = (...args: unknown[]) => {
          // knex calls execute(sql, binds, options, callback).
          const options = args[2];
          if (options && typeof options === 'object') args[2] = { ...options, fetchTypeHandler: handler };
          return execute(...args);
        };
        (async () => {
          for (const statement of session) await execute(statement);
        })().then(
          () => done(undefined, conn),
          (err: Error) => done(err, conn),
        );
      },
    },
  };
}

/**
 * Source connector for Oracle Database 12.1 and later through node-oracledb in Thin mode (no Oracle Client
 * libraries): discovery from the ALL_* views, chunked snapshots, the `incrementing`, `timestamp`,
 * `changelog` (sequence + trigger) and `diff` strategies, and the native `rowscn` (ORA_ROWSCN) and
 * `flashback` (Flashback Version Query, deletes included) strategies.
 *
 * @example
 * ```ts
 * import { oracle } from '@ferry/connector-oracle';
 *
 * const source = oracle({ connection: 'oracle://ferry:secret@127.0.0.1:1521/FREEPDB1', timeZone: 'Asia/Shanghai' });
 * console.table(await source.preflight([{ table: 'LICENCE', strategy: { kind: 'flashback' } as never }]));
 * ```
 */
export const oracle: ConnectorFactory<OracleConfig, SqlSource> = (config): SqlSource =>
  createSqlSource({
    name: 'oracle',
    dialect: createOracleDialect(config.maxLobBytes === undefined ? {} : { maxLobBytes: config.maxLobBytes }),
    strategies: [rowscnStrategy(), flashbackStrategy()],
    ...(config.knex
      ? { knex: config.knex }
      : {
          ownsKnex: true,
          createKnex: async () => {
            const knex = await loadModule('knex', 'knexModule', () => import('knex'), config.knexModule);
            const oracledb = await loadModule<OracledbTypes>(
              'oracledb',
              'oracledb',
              () => import('oracledb') as Promise<OracledbTypes>,
              config.oracledb,
            );
            const create = ((knex as { knex?: unknown }).knex ?? knex) as (c: Knex.Config) => Knex;
            return create(oracleKnexConfig(config, oracledb));
          },
        }),
    ...(config.schemaRefreshMs === undefined ? {} : { schemaRefreshMs: config.schemaRefreshMs }),
  });
