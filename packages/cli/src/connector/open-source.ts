// From the `source` and `tables` sections to a Source and the runner's table configurations.
import { mysql } from '@ferry/connector-mysql';
import { postgres } from '@ferry/connector-postgres';
import { FerryError, type SqlSource, type StrategyConfig, type TableConfig } from '@ferry/sdk';
import {
  type ConnectorConfig,
  isBuiltinStrategy,
  RESERVED_SOURCE_KINDS,
  type SqlSourceSection,
  type TableEntry,
} from './config-schema.js';
import type { Logger } from './logger.js';

/**
 * Creates the SQL source a configuration names. No connection is made until the source is used. Oracle and
 * SQL Server live in connector packages of their own: when one is installed next to the CLI its factory
 * (`oracle()` / `mssql()`, same options as `postgres()`) is used, otherwise the error says what to install.
 */
export async function openSqlSource(
  section: SqlSourceSection,
  log?: Logger,
  /** Loads a connector package (tests replace it). */
  importModule: (specifier: string) => Promise<unknown> = (specifier) => import(specifier),
): Promise<SqlSource> {
  // knex prints its warnings (a failed connection attempt, with a stack) with console.log unless told
  // otherwise: they go to the daemon's log at debug level, since capture reports the error itself.
  const knexLog = (message: unknown) => log?.debug({ knex: String(message) }, 'knex');
  const options = {
    connection: section.connection as string | Record<string, unknown>,
    ...(section.timeZone ? { timeZone: section.timeZone } : {}),
    ...(section.pool ? { pool: section.pool } : {}),
    log: { warn: knexLog, error: knexLog, debug: knexLog, deprecate: knexLog },
  };
  switch (section.kind) {
    case 'postgres':
      return postgres({ ...options, ...(section.copy === undefined ? {} : { copy: section.copy }) });
    case 'mysql':
      return mysql(options);
    default:
      return openReservedSource(section.kind, options, importModule);
  }
}

async function openReservedSource(
  kind: keyof typeof RESERVED_SOURCE_KINDS,
  options: Record<string, unknown>,
  importModule: (specifier: string) => Promise<unknown>,
): Promise<SqlSource> {
  const pkg = RESERVED_SOURCE_KINDS[kind];
  let module: Record<string, unknown>;
  try {
    // An optional peer dependency: loaded only when configured, so the CLI does not carry oracledb or mssql.
    module = (await importModule(pkg)) as Record<string, unknown>;
  } catch {
    throw new FerryError(
      'FERRY_CONFIG_INVALID',
      `source.kind: "${kind}" needs ${pkg}, which is not installed: install it next to @ferry/cli (npm install ${pkg})`,
      { location: { field: 'source.kind' } },
    );
  }
  const factory = module[kind];
  if (typeof factory !== 'function') {
    throw new FerryError('FERRY_CONFIG_INVALID', `${pkg} does not export a \`${kind}\` connector factory`, {
      location: { field: 'source.kind' },
    });
  }
  return (factory as (o: Record<string, unknown>) => SqlSource)(options);
}

/** The runner's view of one `tables` entry: durations in ms, columns as include/exclude. */
export function tableConfig(entry: TableEntry): TableConfig {
  const s = entry.strategy;
  const ms = (seconds: number | undefined) =>
    seconds === undefined ? undefined : Math.round(seconds * 1000);
  let strategy: StrategyConfig;
  if (!isBuiltinStrategy(s)) {
    // A connector's own strategy: its options as written, durations in the unit the connector API uses.
    const options = Object.entries(s).map(([k, v]) =>
      k.endsWith('Seconds') && typeof v === 'number' ? [`${k.slice(0, -7)}Ms`, ms(v)] : [k, v],
    );
    strategy = Object.fromEntries(options) as unknown as StrategyConfig;
  } else
    switch (s.kind) {
      case 'incrementing':
        strategy = { kind: 'incrementing', ...defined({ column: s.column, graceMs: ms(s.graceSeconds) }) };
        break;
      case 'timestamp':
        strategy = { kind: 'timestamp', column: s.column, ...defined({ lagMs: ms(s.lagSeconds) }) };
        break;
      case 'changelog':
        strategy = {
          kind: 'changelog',
          ...defined({
            logTable: s.logTable,
            install: s.install,
            graceMs: ms(s.graceSeconds),
            retentionMs: s.retentionDays === undefined ? undefined : Math.round(s.retentionDays * 86_400_000),
          }),
        };
        break;
      case 'diff':
        strategy = { kind: 'diff', ...defined({ stateDir: s.stateDir }) };
        break;
    }
  const columns =
    entry.include || entry.exclude
      ? { columns: { ...defined({ include: entry.include, exclude: entry.exclude }) } }
      : {};
  return {
    table: entry.table,
    resource: entry.resource,
    strategy,
    ...(entry.key ? { key: entry.key } : {}),
    ...columns,
  };
}

/** Every `tables` entry as the runner takes it. */
export function tableConfigs(config: ConnectorConfig): TableConfig[] {
  return (config.tables ?? []).map(tableConfig);
}

/** A short description of where the source is, without user or password, for logs. */
export function describeSource(section: ConnectorConfig['source']): string {
  if (section.kind === 'file') return `file drop ${section.dir}`;
  const c = section.connection;
  if (typeof c === 'string') {
    try {
      const url = new URL(c);
      return `${section.kind} ${url.host}${url.pathname}`;
    } catch {
      return section.kind;
    }
  }
  const o = c as Record<string, unknown>;
  const host = typeof o.host === 'string' ? o.host : 'localhost';
  const port = typeof o.port === 'number' || typeof o.port === 'string' ? `:${o.port}` : '';
  const db = typeof o.database === 'string' ? `/${o.database}` : '';
  return `${section.kind} ${host}${port}${db}`;
}

function defined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}
