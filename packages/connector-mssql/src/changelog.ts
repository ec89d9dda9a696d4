// Change-log DDL for SQL Server: a log table with an IDENTITY id and one AFTER trigger for all three operations.
import type { ChangelogDialect, ChangelogNames, SourceColumn, SqlDb } from '@ferry/sdk/connector';

export function quoteIdent(identifier: string): string {
  return `[${identifier.replace(/]/g, ']]')}]`;
}

function qualify(schema: string | undefined, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

function objects(names: ChangelogNames) {
  return {
    log: qualify(names.schema, names.logTable),
    table: qualify(names.schema, names.table),
    trigger: qualify(names.schema, `${names.triggerPrefix}_trg`),
    triggerName: `${names.triggerPrefix}_trg`,
  };
}

/** The log's copy of a key column: same type and collation, so the join back to the table can seek. */
function keyColumnDdl(k: SourceColumn): string {
  const collation = k.collation ? ` COLLATE ${k.collation}` : '';
  return `${quoteIdent(k.name)} ${k.nativeType}${collation} NULL`;
}

/** Change-log support for SQL Server (2016 SP1 and later for CREATE OR ALTER TRIGGER). */
export const mssqlChangelog: ChangelogDialect = {
  // TRUNCATE TABLE fires no DML trigger.
  logsTruncate: false,
  maxIdentifierLength: 128,

  install(_table, names, key: readonly SourceColumn[]) {
    const o = objects(names);
    const cols = key.map((k) => quoteIdent(k.name)).join(', ');
    const from = (alias: 'i' | 'd') => key.map((k) => `${alias}.${quoteIdent(k.name)}`).join(', ');
    const join = key.map((k) => `d.${quoteIdent(k.name)} = i.${quoteIdent(k.name)}`).join(' AND ');
    return [
      `IF OBJECT_ID(N'${o.log.replace(/'/g, "''")}', N'U') IS NULL
CREATE TABLE ${o.log} (
  ferry_id bigint IDENTITY(1,1) NOT NULL PRIMARY KEY,
  ferry_op char(1) NOT NULL,
  ferry_at datetimeoffset(7) NOT NULL DEFAULT SYSDATETIMEOFFSET(),
  ${key.map(keyColumnDdl).join(',\n  ')},
  INDEX ${quoteIdent(`${names.logTable.slice(0, 120)}_at`)} (ferry_at)
)`,
      // One statement may change many rows: the inserted/deleted pseudo tables hold them all.
      `CREATE OR ALTER TRIGGER ${o.trigger} ON ${o.table} AFTER INSERT, UPDATE, DELETE AS
BEGIN
  SET NOCOUNT ON;
  -- Old keys that no longer exist after the statement (deletes, key changes) are logged as deletes.
  INSERT INTO ${o.log} (ferry_op, ${cols})
    SELECT 'D', ${from('d')} FROM deleted d WHERE NOT EXISTS (SELECT 1 FROM inserted i WHERE ${join});
  INSERT INTO ${o.log} (ferry_op, ${cols})
    SELECT 'U', ${from('i')} FROM inserted i;
END`,
    ];
  },

  uninstall(names) {
    const o = objects(names);
    return [`DROP TRIGGER IF EXISTS ${o.trigger}`, `DROP TABLE IF EXISTS ${o.log}`];
  },

  async status(db: SqlDb, names) {
    const o = objects(names);
    const [row] = await db.query(
      `SELECT CASE WHEN OBJECT_ID(?, N'U') IS NULL THEN 0 ELSE 1 END AS [log_table],
              (SELECT COUNT(*) FROM sys.triggers WHERE object_id = OBJECT_ID(?) AND is_disabled = 0) AS [triggers]`,
      [o.log, o.trigger],
    );
    return { logTable: Number(row?.log_table ?? 0) === 1, triggers: Number(row?.triggers ?? 0) === 1 };
  },
};
