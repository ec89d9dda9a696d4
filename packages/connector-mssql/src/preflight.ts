// SQL Server's own preflight: CT/CDC enabled on database and table, SQL Server Agent, snapshot isolation,
// permissions. The decision is a pure function of recorded catalog rows (tested without a server).
import type { CaptureTable, PreflightCheck, SourceTable, SqlDb } from '@ferry/sdk/connector';
import { quoteIdent } from './changelog.js';

/** What {@link mssqlStrategyChecks} decides on; `undefined` where the query failed (no permission). */
export interface MssqlFacts {
  database: string;
  /** sys.databases.snapshot_isolation_state: 0 OFF, 1 ON, 2 going off, 3 going on. */
  snapshotIsolationState?: number;
  /** sys.databases.is_cdc_enabled. */
  cdcEnabled?: boolean;
  /** A row in sys.change_tracking_databases. */
  ctDatabase?: { retention: string; autoCleanup: boolean } | null;
  /** A row in sys.change_tracking_tables for the table. */
  ctTable?: boolean;
  /** sys.tables.is_tracked_by_cdc. */
  cdcTable?: boolean;
  /** SQL Server Agent per sys.dm_server_services (needs VIEW SERVER STATE); `undefined`: could not be checked. */
  agent?: 'running' | 'stopped' | 'absent';
  /** HAS_PERMS_BY_NAME results. */
  canSelect?: boolean;
  canViewChangeTracking?: boolean;
  /** SELECT on the capture instance's change table (cdc.<instance>_CT). */
  canSelectChangeData?: boolean;
}

/** The catalog queries behind {@link MssqlFacts} (`?` = the quoted table name, then the database name). */
export const MSSQL_FACT_QUERIES = {
  database: `SELECT DB_NAME() AS [name], snapshot_isolation_state AS [snapshot], is_cdc_enabled AS [cdc] FROM sys.databases WHERE database_id = DB_ID()`,
  ctDatabase: `SELECT CONCAT(retention_period, ' ', retention_period_units_desc) AS [retention], is_auto_cleanup_on AS [auto_cleanup] FROM sys.change_tracking_databases WHERE database_id = DB_ID()`,
  ctTable: 'SELECT COUNT(*) AS [n] FROM sys.change_tracking_tables WHERE object_id = OBJECT_ID(?)',
  cdcTable: 'SELECT is_tracked_by_cdc AS [cdc] FROM sys.tables WHERE object_id = OBJECT_ID(?)',
  agent: `SELECT status_desc AS [status] FROM sys.dm_server_services WHERE servicename LIKE N'SQL Server Agent%'`,
  permissions: `SELECT HAS_PERMS_BY_NAME(?, 'OBJECT', 'SELECT') AS [can_select], HAS_PERMS_BY_NAME(?, 'OBJECT', 'VIEW CHANGE TRACKING') AS [can_view_ct]`,
  changeData: `SELECT TOP (1) HAS_PERMS_BY_NAME(QUOTENAME('cdc') + '.' + QUOTENAME(capture_instance + '_CT'), 'OBJECT', 'SELECT') AS [can_select] FROM cdc.change_tables WHERE source_object_id = OBJECT_ID(?) ORDER BY create_date DESC`,
} as const;

/** The checks of one table's strategy from recorded facts. */
export function mssqlStrategyChecks(capture: CaptureTable, facts: MssqlFacts): PreflightCheck[] {
  const table = capture.table;
  const db = quoteIdent(facts.database);
  const checks: PreflightCheck[] = [];
  const add = (check: string, ok: boolean, message: string, severity?: 'warning') =>
    checks.push({ check, ok, table, message, ...(ok || !severity ? {} : { severity }) });
  const kind = capture.strategy.kind as string;
  if (facts.canSelect === false)
    add('select-privilege', false, `missing SELECT on ${table}: GRANT SELECT ON ${table} TO <user>`);
  if (kind === 'change-tracking') {
    if (facts.ctDatabase === undefined)
      add(
        'change-tracking-database',
        false,
        'cannot read sys.change_tracking_databases: GRANT VIEW DATABASE STATE, or check by hand',
      );
    else if (facts.ctDatabase === null)
      add(
        'change-tracking-database',
        false,
        `change tracking is off for database ${facts.database}: ALTER DATABASE ${db} SET CHANGE_TRACKING = ON (CHANGE_RETENTION = 7 DAYS, AUTO_CLEANUP = ON)`,
      );
    else
      add(
        'change-tracking-database',
        true,
        `change tracking is on for ${facts.database} (retention ${facts.ctDatabase.retention}, auto cleanup ${facts.ctDatabase.autoCleanup ? 'on' : 'off'}); a cursor older than the retention expires`,
      );
    if (facts.ctTable === false)
      add(
        'change-tracking-table',
        false,
        `${table} is not tracked: ALTER TABLE ${table} ENABLE CHANGE_TRACKING`,
      );
    else if (facts.ctTable) add('change-tracking-table', true, `${table} is tracked by change tracking`);
    if (facts.snapshotIsolationState !== 1)
      add(
        'snapshot-isolation',
        false,
        `snapshot isolation is ${facts.snapshotIsolationState === undefined ? 'unknown' : (['OFF', 'ON', 'turning off', 'turning on'][facts.snapshotIsolationState] ?? String(facts.snapshotIsolationState))} on ${facts.database}; change tracking is read in a SNAPSHOT transaction: ALTER DATABASE ${db} SET ALLOW_SNAPSHOT_ISOLATION ON`,
      );
    else add('snapshot-isolation', true, `snapshot isolation is allowed on ${facts.database}`);
    if (facts.canViewChangeTracking === false)
      add(
        'change-tracking-privilege',
        false,
        `missing VIEW CHANGE TRACKING on ${table}: GRANT VIEW CHANGE TRACKING ON ${table} TO <user>`,
      );
    else if (facts.canViewChangeTracking)
      add('change-tracking-privilege', true, `has VIEW CHANGE TRACKING on ${table}`);
  }
  if (kind === 'cdc') {
    if (facts.cdcEnabled === false)
      add(
        'cdc-database',
        false,
        `CDC is off for database ${facts.database}: EXEC ${db}.sys.sp_cdc_enable_db (needs sysadmin)`,
      );
    else if (facts.cdcEnabled) add('cdc-database', true, `CDC is on for ${facts.database}`);
    if (facts.cdcTable === false)
      add(
        'cdc-table',
        false,
        `${table} is not tracked by CDC: EXEC sys.sp_cdc_enable_table @source_schema = N'…', @source_name = N'…', @role_name = NULL (needs db_owner)`,
      );
    else if (facts.cdcTable) add('cdc-table', true, `${table} is tracked by CDC`);
    if (facts.agent === undefined)
      add(
        'sql-server-agent',
        false,
        'cannot check SQL Server Agent (sys.dm_server_services needs VIEW SERVER STATE): make sure it runs, or CDC captures nothing and cleanup never runs',
        'warning',
      );
    else if (facts.agent === 'running')
      add('sql-server-agent', true, 'SQL Server Agent is running (CDC capture and cleanup jobs)');
    else
      add(
        'sql-server-agent',
        false,
        `SQL Server Agent is ${facts.agent === 'absent' ? 'not installed' : 'stopped'}: CDC captures nothing until it runs (on Linux: mssql-conf set sqlagent.enabled true; in containers MSSQL_AGENT_ENABLED=true)`,
      );
    if (facts.canSelectChangeData === false)
      add(
        'cdc-privilege',
        false,
        `cannot SELECT the change data of ${table}: add the user to the capture instance's gating role (cdc.change_tables.role_name) or GRANT SELECT ON SCHEMA::cdc`,
      );
  }
  return checks;
}

async function attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch {
    return undefined;
  }
}

/** Runs the catalog queries and returns SQL Server's own checks for one table. */
export async function mssqlOwnPreflight(
  db: SqlDb,
  table: SourceTable,
  capture: CaptureTable,
): Promise<PreflightCheck[]> {
  const kind = capture.strategy.kind as string;
  if (kind !== 'change-tracking' && kind !== 'cdc') return [];
  const name = `${quoteIdent(table.schema ?? 'dbo')}.${quoteIdent(table.name.split('.').pop()!)}`;
  const [dbRow] = (await attempt(() => db.query(MSSQL_FACT_QUERIES.database))) ?? [];
  const facts: MssqlFacts = { database: String(dbRow?.name ?? 'this database') };
  if (dbRow) {
    facts.snapshotIsolationState = Number(dbRow.snapshot);
    facts.cdcEnabled = dbRow.cdc === true || dbRow.cdc === 1;
  }
  const perms = (await attempt(() => db.query(MSSQL_FACT_QUERIES.permissions, [name, name])))?.[0];
  if (perms) {
    facts.canSelect = Number(perms.can_select) === 1;
    facts.canViewChangeTracking = Number(perms.can_view_ct) === 1;
  }
  if (kind === 'change-tracking') {
    const ct = await attempt(() => db.query(MSSQL_FACT_QUERIES.ctDatabase));
    facts.ctDatabase =
      ct === undefined
        ? undefined
        : ct[0]
          ? {
              retention: String(ct[0].retention),
              autoCleanup: ct[0].auto_cleanup === true || ct[0].auto_cleanup === 1,
            }
          : null;
    const tracked = await attempt(() => db.query(MSSQL_FACT_QUERIES.ctTable, [name]));
    if (tracked) facts.ctTable = Number(tracked[0]?.n ?? 0) > 0;
  } else {
    const cdc = await attempt(() => db.query(MSSQL_FACT_QUERIES.cdcTable, [name]));
    if (cdc?.[0]) facts.cdcTable = cdc[0].cdc === true || cdc[0].cdc === 1;
    const agent = await attempt(() => db.query(MSSQL_FACT_QUERIES.agent));
    if (agent)
      facts.agent =
        agent.length === 0 ? 'absent' : /running/i.test(String(agent[0]?.status)) ? 'running' : 'stopped';
    const data = await attempt(() => db.query(MSSQL_FACT_QUERIES.changeData, [name]));
    if (data?.[0]) facts.canSelectChangeData = Number(data[0].can_select) === 1;
  }
  return mssqlStrategyChecks(capture, facts);
}
