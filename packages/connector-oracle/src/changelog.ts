// Change-log DDL for Oracle: a log table, a sequence for its ids and one row trigger.
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
    sequence: qualify(names.schema, `${names.triggerPrefix}_seq`),
    trigger: qualify(names.schema, `${names.triggerPrefix}_trg`),
    triggerName: `${names.triggerPrefix}_trg`,
    sequenceName: `${names.triggerPrefix}_seq`,
    index: qualify(names.schema, `${names.triggerPrefix}_at`),
  };
}

/** The log's copy of a key column: the source type (NUMBER(p,s), VARCHAR2(n CHAR)…), nullable for markers. */
function keyColumnDdl(k: SourceColumn): string {
  let type = k.nativeType;
  // VARCHAR2(n)/CHAR(n) as discovered count characters: say so, whatever NLS_LENGTH_SEMANTICS is.
  if (/^(VARCHAR2|CHAR)\(\d+\)$/.test(type)) type = type.replace(/\)$/, ' CHAR)');
  if (type === 'NUMBER(*,0)') type = 'NUMBER(38,0)';
  return `${quoteIdent(k.name)} ${type}`;
}

/**
 * Change-log support for Oracle. Each run of the DDL is idempotent except the CREATE TABLE / SEQUENCE,
 * which fail with ORA-00955 when the objects exist; `installChangelog` runs only when they are missing.
 * The sequence is `ORDER` so that ids follow commit order closely even on RAC (gaps are handled anyway).
 */
export const oracleChangelog: ChangelogDialect = {
  // Oracle fires no row trigger on TRUNCATE (a DDL trigger could, but needs ADMINISTER DATABASE TRIGGER).
  logsTruncate: false,
  // 128 bytes since 12.2; 30 before. Names are kept within 30 so one DDL serves every supported version.
  maxIdentifierLength: 30,

  install(_table, names, key: readonly SourceColumn[]) {
    const o = objects(names);
    const cols = key.map((k) => quoteIdent(k.name)).join(', ');
    const values = (rec: ':NEW' | ':OLD') => key.map((k) => `${rec}.${quoteIdent(k.name)}`).join(', ');
    const insert = (op: 'U' | 'D', rec: ':NEW' | ':OLD') =>
      `INSERT INTO ${o.log} (ferry_id, ferry_op, ${cols}) VALUES (${o.sequence}.NEXTVAL, '${op}', ${values(rec)});`;
    const keyChanged = key
      .map((k) => {
        const [o, n] = [`:OLD.${quoteIdent(k.name)}`, `:NEW.${quoteIdent(k.name)}`];
        return `${o} <> ${n} OR (${o} IS NULL AND ${n} IS NOT NULL) OR (${o} IS NOT NULL AND ${n} IS NULL)`;
      })
      .join(' OR ');
    return [
      `CREATE TABLE ${o.log} (
  ferry_id NUMBER(19,0) NOT NULL PRIMARY KEY,
  ferry_op CHAR(1) NOT NULL,
  ferry_at TIMESTAMP WITH TIME ZONE DEFAULT SYSTIMESTAMP NOT NULL,
  ${key.map(keyColumnDdl).join(',\n  ')}
)`,
      `CREATE INDEX ${o.index} ON ${o.log} (ferry_at)`,
      `CREATE SEQUENCE ${o.sequence} START WITH 1 INCREMENT BY 1 CACHE 100 ORDER`,
      `CREATE OR REPLACE TRIGGER ${o.trigger}
AFTER INSERT OR UPDATE OR DELETE ON ${o.table}
FOR EACH ROW
BEGIN
  IF INSERTING THEN
    ${insert('U', ':NEW')}
  ELSIF UPDATING THEN
    IF ${keyChanged} THEN
      ${insert('D', ':OLD')}
    END IF;
    ${insert('U', ':NEW')}
  ELSE
    ${insert('D', ':OLD')}
  END IF;
END;`,
    ];
  },

  uninstall(names) {
    const o = objects(names);
    // Oracle has no DROP … IF EXISTS before 23ai: each drop ignores "does not exist" (ORA-04080/02289/00942).
    const dropIgnoring = (statement: string, code: number) =>
      `BEGIN EXECUTE IMMEDIATE '${statement.replace(/'/g, "''")}'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != -${code} THEN RAISE; END IF; END;`;
    return [
      dropIgnoring(`DROP TRIGGER ${o.trigger}`, 4080),
      dropIgnoring(`DROP SEQUENCE ${o.sequence}`, 2289),
      dropIgnoring(`DROP TABLE ${o.log} PURGE`, 942),
    ];
  },

  async status(db: SqlDb, names) {
    const o = objects(names);
    const [row] = await db.query(
      `SELECT (SELECT COUNT(*) FROM ALL_TABLES WHERE OWNER = COALESCE(?, SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')) AND TABLE_NAME = ?) AS "log_table",
              (SELECT COUNT(*) FROM ALL_TRIGGERS WHERE OWNER = COALESCE(?, SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA')) AND TRIGGER_NAME = ? AND STATUS = 'ENABLED') AS "triggers"
         FROM DUAL`,
      [names.schema ?? null, names.logTable, names.schema ?? null, o.triggerName],
    );
    return { logTable: Number(row?.log_table ?? 0) === 1, triggers: Number(row?.triggers ?? 0) === 1 };
  },
};
