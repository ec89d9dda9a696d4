// Oracle's own preflight: the exact grants each strategy needs and which are missing, character sets,
// session zone. The decision is a pure function of recorded dictionary rows (tested without a server).
import type { CaptureTable, PreflightCheck, SourceTable, SqlDb } from '@ferry/sdk/connector';
import type { ScnSource } from './scn.js';

/** An object privilege as USER_TAB_PRIVS / ALL_TAB_PRIVS / ROLE_TAB_PRIVS list it. */
export interface TablePrivilege {
  owner: string;
  name: string;
  privilege: string;
}

/** What {@link oraclePrivilegeChecks} decides on. */
export interface OraclePrivilegeFacts {
  /** The connected user (`USER`). */
  user: string;
  /** Owner and name of the captured table. */
  owner: string;
  table: string;
  /** `SESSION_PRIVS`: system privileges in effect (directly or through enabled roles). */
  sessionPrivileges: readonly string[];
  /** Object privileges granted to the user, to PUBLIC, and to the session's enabled roles. */
  tablePrivileges: readonly TablePrivilege[];
}

/** The statements the facts come from (documented in the README for DBAs who want to check by hand). */
export const PRIVILEGE_QUERIES = {
  user: 'SELECT USER AS "user" FROM DUAL',
  sessionPrivileges: 'SELECT PRIVILEGE AS "privilege" FROM SESSION_PRIVS',
  tablePrivileges: `SELECT OWNER AS "owner", TABLE_NAME AS "name", PRIVILEGE AS "privilege" FROM USER_TAB_PRIVS WHERE GRANTEE = USER
UNION ALL SELECT TABLE_SCHEMA, TABLE_NAME, PRIVILEGE FROM ALL_TAB_PRIVS WHERE GRANTEE = 'PUBLIC'
UNION ALL SELECT OWNER, TABLE_NAME, PRIVILEGE FROM ROLE_TAB_PRIVS`,
} as const;

interface Requirement {
  check: string;
  what: string;
  grant: string;
  met: boolean;
}

/**
 * The grants a table's strategy needs, each as one check saying whether it is held and, when not, the
 * exact GRANT to run:
 * - every strategy: SELECT on the table (owner, object grant, or SELECT ANY TABLE);
 * - `rowscn`, `flashback`: reading the current SCN — SELECT on SYS.V_$DATABASE (`scnSource: 'v$database'`,
 *   e.g. through SELECT_CATALOG_ROLE, or SELECT ANY DICTIONARY) or EXECUTE on SYS.DBMS_FLASHBACK
 *   (`scnSource: 'dbms_flashback'`);
 * - `flashback` (and `rowscn` with `consistentSnapshot`): FLASHBACK on the table or FLASHBACK ANY TABLE
 *   (a table's owner needs neither);
 * - `changelog` with `install`: CREATE TABLE, CREATE SEQUENCE, CREATE TRIGGER in one's own schema, or the
 *   ANY forms for another schema's table.
 */
export function oraclePrivilegeChecks(capture: CaptureTable, facts: OraclePrivilegeFacts): PreflightCheck[] {
  const sys = new Set(facts.sessionPrivileges.map((p) => p.toUpperCase()));
  const obj = (owner: string, name: string, privilege: string) =>
    facts.tablePrivileges.some(
      (p) => p.owner === owner && p.name === name && p.privilege.toUpperCase() === privilege,
    );
  const own = facts.owner === facts.user;
  const target = `${facts.owner}.${facts.table}`;
  const quoted = `"${facts.owner}"."${facts.table}"`;
  const strategy = capture.strategy as {
    kind: string;
    scnSource?: ScnSource;
    install?: boolean;
    consistentSnapshot?: boolean;
  };
  const needs: Requirement[] = [
    {
      check: 'select-privilege',
      what: `SELECT on ${target}`,
      grant: `GRANT SELECT ON ${quoted} TO ${facts.user}`,
      met: own || obj(facts.owner, facts.table, 'SELECT') || sys.has('SELECT ANY TABLE'),
    },
  ];
  if (strategy.kind === 'rowscn' || strategy.kind === 'flashback') {
    needs.push(
      strategy.scnSource === 'dbms_flashback'
        ? {
            check: 'scn-privilege',
            what: 'EXECUTE on SYS.DBMS_FLASHBACK (to read the current SCN)',
            grant: `GRANT EXECUTE ON SYS.DBMS_FLASHBACK TO ${facts.user}`,
            met: obj('SYS', 'DBMS_FLASHBACK', 'EXECUTE') || sys.has('EXECUTE ANY PROCEDURE'),
          }
        : {
            check: 'scn-privilege',
            what: 'SELECT on SYS.V_$DATABASE (to read CURRENT_SCN from V$DATABASE)',
            grant: `GRANT SELECT ON SYS.V_$DATABASE TO ${facts.user}  -- or set scnSource: 'dbms_flashback' with GRANT EXECUTE ON SYS.DBMS_FLASHBACK`,
            met: obj('SYS', 'V_$DATABASE', 'SELECT') || sys.has('SELECT ANY DICTIONARY'),
          },
    );
  }
  if (strategy.kind === 'flashback' || (strategy.kind === 'rowscn' && strategy.consistentSnapshot)) {
    needs.push({
      check: 'flashback-privilege',
      what: `FLASHBACK on ${target} (flashback queries)`,
      grant: `GRANT FLASHBACK ON ${quoted} TO ${facts.user}  -- or GRANT FLASHBACK ANY TABLE TO ${facts.user}`,
      met: own || obj(facts.owner, facts.table, 'FLASHBACK') || sys.has('FLASHBACK ANY TABLE'),
    });
  }
  if (strategy.kind === 'changelog' && strategy.install) {
    for (const kind of ['TABLE', 'SEQUENCE', 'TRIGGER'] as const) {
      const privilege = own ? `CREATE ${kind}` : `CREATE ANY ${kind}`;
      needs.push({
        check: 'changelog-privilege',
        what: `${privilege} (change log ${kind.toLowerCase()} in schema ${facts.owner})`,
        grant: `GRANT ${privilege} TO ${facts.user}  -- or have a DBA run changelogDdl()`,
        met: sys.has(privilege) || sys.has(`CREATE ANY ${kind}`),
      });
    }
  }
  return needs.map((n) =>
    n.met
      ? { check: n.check, ok: true, table: capture.table, message: `has ${n.what}` }
      : { check: n.check, ok: false, table: capture.table, message: `missing ${n.what}: ${n.grant}` },
  );
}

/** Database and national character sets, as NLS_DATABASE_PARAMETERS lists them. */
export function charsetChecks(
  capture: CaptureTable,
  table: SourceTable,
  charset: string | undefined,
  ncharset: string | undefined,
): PreflightCheck[] {
  const checks: PreflightCheck[] = [
    {
      check: 'charset',
      ok: true,
      table: capture.table,
      message: `database character set ${charset ?? '?'}, national ${ncharset ?? '?'}: node-oracledb Thin mode has the server convert text to UTF-8, so ZHS16GBK and AL32UTF8 both arrive as correct Unicode`,
    },
  ];
  if (ncharset && ncharset !== 'AL16UTF16') {
    checks.push({
      check: 'charset',
      ok: false,
      severity: 'warning',
      table: capture.table,
      message: `national character set ${ncharset}: node-oracledb Thin mode supports NCHAR/NVARCHAR2/NCLOB only in AL16UTF16; read such columns through a view with TO_CHAR, or exclude them`,
    });
  }
  const textKey = table.columns.some(
    (c) => (c.type === 'string' || c.type === 'text') && (capture.key ?? table.primaryKey).includes(c.name),
  );
  if (capture.strategy.kind === 'diff' && textKey && charset !== 'AL32UTF8') {
    checks.push({
      check: 'diff-key-order',
      ok: false,
      table: capture.table,
      message: `the diff strategy merges in code point order, but binary order of a ${charset ?? 'non-AL32UTF8'} text key is not code point order: use a numeric key or another strategy`,
    });
  }
  return checks;
}

/** Runs the dictionary queries and returns Oracle's own checks for one table. */
export async function oracleOwnPreflight(
  db: SqlDb,
  table: SourceTable,
  capture: CaptureTable,
): Promise<PreflightCheck[]> {
  const [userRow] = await db.query(PRIVILEGE_QUERIES.user);
  const sessionPrivileges = (await db.query(PRIVILEGE_QUERIES.sessionPrivileges)).map((r) =>
    String(r.privilege),
  );
  const tablePrivileges = (await db.query(PRIVILEGE_QUERIES.tablePrivileges)).map((r) => ({
    owner: String(r.owner),
    name: String(r.name),
    privilege: String(r.privilege),
  }));
  const checks = oraclePrivilegeChecks(capture, {
    user: String(userRow?.user ?? ''),
    owner: table.schema ?? String(userRow?.user ?? ''),
    table: table.name.split('.').pop()!,
    sessionPrivileges,
    tablePrivileges,
  });
  const nls = await db.query(
    `SELECT PARAMETER AS "p", VALUE AS "v" FROM NLS_DATABASE_PARAMETERS WHERE PARAMETER IN ('NLS_CHARACTERSET', 'NLS_NCHAR_CHARACTERSET')`,
  );
  const param = (p: string) => nls.find((r) => r.p === p)?.v as string | undefined;
  checks.push(...charsetChecks(capture, table, param('NLS_CHARACTERSET'), param('NLS_NCHAR_CHARACTERSET')));
  return checks;
}
