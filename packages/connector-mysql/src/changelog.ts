// Change-log DDL for MySQL and MariaDB: one log table and three row triggers (no truncate triggers exist).
import type { ChangelogDialect, ChangelogNames, SourceColumn, SqlDb } from '@ferry/sdk/connector';

export function quoteIdent(identifier: string): string {
  return `\`${identifier.replace(/`/g, '``')}\``;
}

function qualify(schema: string | undefined, name: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(name)}` : quoteIdent(name);
}

function objects(names: ChangelogNames) {
  return {
    log: qualify(names.schema, names.logTable),
    table: qualify(names.schema, names.table),
    triggers: ['ai', 'au', 'ad'].map((s) => `${names.triggerPrefix}_${s}`),
  };
}

/** The log's copy of a key column: same type and collation, so the join back to the table uses its index. */
function keyColumnDdl(k: SourceColumn): string {
  const collation = k.collation ? ` COLLATE ${k.collation}` : '';
  return `${quoteIdent(k.name)} ${k.nativeType}${collation} NULL`;
}

/** Change-log support for MySQL and MariaDB (MySQL-wire databases with triggers). */
export const mysqlChangelog: ChangelogDialect = {
  logsTruncate: false,
  maxIdentifierLength: 64,

  install(_table, names, key: readonly SourceColumn[]) {
    const o = objects(names);
    const cols = key.map((k) => quoteIdent(k.name)).join(', ');
    const values = (rec: 'NEW' | 'OLD') => key.map((k) => `${rec}.${quoteIdent(k.name)}`).join(', ');
    const insert = (op: 'U' | 'D', rec: 'NEW' | 'OLD') =>
      `INSERT INTO ${o.log} (ferry_op, ${cols}) VALUES ('${op}', ${values(rec)})`;
    const keyChanged = key
      .map((k) => `OLD.${quoteIdent(k.name)} <=> NEW.${quoteIdent(k.name)}`)
      .join(' AND ');
    const [ai, au, ad] = o.triggers.map((t) => qualify(names.schema, t));
    return [
      `CREATE TABLE IF NOT EXISTS ${o.log} (
  ferry_id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ferry_op CHAR(1) NOT NULL,
  ferry_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  ${key.map(keyColumnDdl).join(',\n  ')},
  KEY ${quoteIdent(`${names.logTable.slice(0, 60)}_at`)} (ferry_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
      // DROP + CREATE rather than CREATE TRIGGER IF NOT EXISTS, which MySQL before 8.0.29 lacks.
      `DROP TRIGGER IF EXISTS ${ai}`,
      `CREATE TRIGGER ${ai} AFTER INSERT ON ${o.table} FOR EACH ROW ${insert('U', 'NEW')}`,
      `DROP TRIGGER IF EXISTS ${au}`,
      `CREATE TRIGGER ${au} AFTER UPDATE ON ${o.table} FOR EACH ROW BEGIN
  IF NOT (${keyChanged}) THEN ${insert('D', 'OLD')}; END IF;
  ${insert('U', 'NEW')};
END`,
      `DROP TRIGGER IF EXISTS ${ad}`,
      `CREATE TRIGGER ${ad} AFTER DELETE ON ${o.table} FOR EACH ROW ${insert('D', 'OLD')}`,
    ];
  },

  uninstall(names) {
    const o = objects(names);
    return [
      ...o.triggers.map((t) => `DROP TRIGGER IF EXISTS ${qualify(names.schema, t)}`),
      `DROP TABLE IF EXISTS ${o.log}`,
    ];
  },

  async status(db: SqlDb, names) {
    const o = objects(names);
    const schema = names.schema ?? null;
    const [row] = await db.query(
      `SELECT (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?) AS log_table,
              (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = COALESCE(?, DATABASE()) AND TRIGGER_NAME IN (?, ?, ?)) AS triggers`,
      [schema, names.logTable, schema, ...o.triggers],
    );
    return { logTable: Number(row?.log_table ?? 0) === 1, triggers: Number(row?.triggers ?? 0) === 3 };
  },
};
