// Change-log DDL for PostgreSQL: one log table, one PL/pgSQL function, a row trigger and a truncate trigger.
import type { ChangelogDialect, ChangelogNames, SourceColumn, SqlDb } from '@ferry/sdk/connector';

export function quoteIdent(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

function qualify(schema: string | undefined, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

function objects(names: ChangelogNames) {
  return {
    log: qualify(names.schema, names.logTable),
    table: qualify(names.schema, names.table),
    fn: qualify(names.schema, `${names.triggerPrefix}_fn`),
    rowTrigger: `${names.triggerPrefix}_row`,
    truncateTrigger: `${names.triggerPrefix}_trunc`,
    index: `${names.logTable.slice(0, 56)}_at`,
  };
}

/** Change-log support for PostgreSQL (and PostgreSQL-wire databases with PL/pgSQL). */
export const postgresChangelog: ChangelogDialect = {
  logsTruncate: true,
  maxIdentifierLength: 63,

  install(_table, names, key: readonly SourceColumn[]) {
    const o = objects(names);
    const cols = key.map((k) => quoteIdent(k.name)).join(', ');
    const values = (rec: 'NEW' | 'OLD') => key.map((k) => `${rec}.${quoteIdent(k.name)}`).join(', ');
    const row = (rec: 'NEW' | 'OLD') => (key.length === 1 ? values(rec) : `ROW(${values(rec)})`);
    const insert = (op: 'U' | 'D', rec: 'NEW' | 'OLD') =>
      `INSERT INTO ${o.log} (ferry_op, ${cols}) VALUES ('${op}', ${values(rec)});`;
    return [
      // bigserial rather than IDENTITY: also accepted by KingbaseES, openGauss and Highgo.
      `CREATE TABLE IF NOT EXISTS ${o.log} (
  ferry_id bigserial PRIMARY KEY,
  ferry_op char(1) NOT NULL,
  ferry_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  ${key.map((k) => `${quoteIdent(k.name)} ${k.nativeType}`).join(',\n  ')}
)`,
      `CREATE INDEX IF NOT EXISTS ${quoteIdent(o.index)} ON ${o.log} (ferry_at)`,
      `CREATE OR REPLACE FUNCTION ${o.fn}() RETURNS trigger LANGUAGE plpgsql AS $ferry$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${insert('U', 'NEW')}
  ELSIF TG_OP = 'UPDATE' THEN
    IF ${row('OLD')} IS DISTINCT FROM ${row('NEW')} THEN
      ${insert('D', 'OLD')}
    END IF;
    ${insert('U', 'NEW')}
  ELSIF TG_OP = 'DELETE' THEN
    ${insert('D', 'OLD')}
  ELSIF TG_OP = 'TRUNCATE' THEN
    INSERT INTO ${o.log} (ferry_op) VALUES ('T');
  END IF;
  RETURN NULL;
END
$ferry$`,
      `DROP TRIGGER IF EXISTS ${quoteIdent(o.rowTrigger)} ON ${o.table}`,
      `CREATE TRIGGER ${quoteIdent(o.rowTrigger)} AFTER INSERT OR UPDATE OR DELETE ON ${o.table} FOR EACH ROW EXECUTE PROCEDURE ${o.fn}()`,
      `DROP TRIGGER IF EXISTS ${quoteIdent(o.truncateTrigger)} ON ${o.table}`,
      `CREATE TRIGGER ${quoteIdent(o.truncateTrigger)} AFTER TRUNCATE ON ${o.table} FOR EACH STATEMENT EXECUTE PROCEDURE ${o.fn}()`,
    ];
  },

  uninstall(names) {
    const o = objects(names);
    // CASCADE on the function drops both triggers, even when the source table is already gone.
    return [`DROP FUNCTION IF EXISTS ${o.fn}() CASCADE`, `DROP TABLE IF EXISTS ${o.log}`];
  },

  async status(db: SqlDb, names) {
    const o = objects(names);
    const [row] = await db.query(
      `SELECT to_regclass(?) IS NOT NULL AS log_table,
              (SELECT count(*) FROM pg_catalog.pg_trigger WHERE tgrelid = to_regclass(?) AND tgname IN (?, ?) AND tgenabled <> 'D') AS triggers`,
      [o.log, o.table, o.rowTrigger, o.truncateTrigger],
    );
    return { logTable: row?.log_table === true, triggers: Number(row?.triggers ?? 0) === 2 };
  },
};
