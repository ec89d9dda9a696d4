import type { SourceColumn, SourceTable, SqlDb } from '@ferry/sdk/connector';
import { FerryError } from '@ferry/sdk/errors';
import { columnTypeOf } from './type-mapping.js';

/** Tables, columns (with collations), primary keys and leading index columns from the sys catalog views. */
export async function discoverMssql(db: SqlDb, names?: readonly string[]): Promise<SourceTable[]> {
  const [session] = await db.query('SELECT SCHEMA_NAME() AS [schema]');
  const defaultSchema = String(session?.schema ?? 'dbo');
  let refs: { requested: string; schema: string; table: string }[];
  if (names) {
    refs = names.map((name) => {
      const dot = name.indexOf('.');
      return dot < 0
        ? { requested: name, schema: defaultSchema, table: name }
        : { requested: name, schema: name.slice(0, dot), table: name.slice(dot + 1) };
    });
  } else {
    const rows = await db.query(
      `SELECT s.name AS [schema], t.name AS [table] FROM sys.tables t JOIN sys.schemas s ON s.schema_id = t.schema_id
        WHERE t.is_ms_shipped = 0 AND s.name <> 'cdc' AND t.name NOT LIKE '%[_]ferry[_]log' ORDER BY s.name, t.name`,
    );
    refs = rows.map((r) => ({
      requested: `${r.schema}.${r.table}`,
      schema: String(r.schema),
      table: String(r.table),
    }));
  }
  const out: SourceTable[] = [];
  for (const ref of refs) {
    const columns = await db.query(
      `SELECT c.name AS [name], ty.name AS [data_type], c.max_length AS [max_length], c.precision AS [precision],
              c.scale AS [scale], c.is_nullable AS [nullable], c.collation_name AS [collation]
         FROM sys.columns c JOIN sys.types ty ON ty.user_type_id = c.user_type_id
        WHERE c.object_id = OBJECT_ID(?) ORDER BY c.column_id`,
      [`${quote(ref.schema)}.${quote(ref.table)}`],
    );
    const keys = await db.query(
      `SELECT c.name AS [name], ic.key_ordinal AS [pos], i.is_primary_key AS [is_primary]
         FROM sys.indexes i JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
         JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
        WHERE i.object_id = OBJECT_ID(?) AND ic.key_ordinal > 0 AND (i.is_primary_key = 1 OR ic.key_ordinal = 1)
        ORDER BY ic.key_ordinal`,
      [`${quote(ref.schema)}.${quote(ref.table)}`],
    );
    out.push(describeTable(ref, columns, keys));
  }
  return out;
}

function quote(identifier: string): string {
  return `[${identifier.replace(/]/g, ']]')}]`;
}

/** Builds a {@link SourceTable} from catalog rows (exported for tests with recorded rows). */
export function describeTable(
  ref: { requested: string; schema: string; table: string },
  columns: readonly Record<string, unknown>[],
  keys: readonly Record<string, unknown>[],
): SourceTable {
  const pk = keys.filter((k) => k.is_primary === true || k.is_primary === 1).map((k) => String(k.name));
  const cols: SourceColumn[] = columns.map((c) => {
    const dataType = String(c.data_type);
    const t = dataType.toLowerCase();
    const type = columnTypeOf(t);
    const maxLength = Number(c.max_length);
    const precision = Number(c.precision);
    const scale = Number(c.scale);
    let nativeType = t;
    const chars = t.startsWith('n') ? maxLength / 2 : maxLength;
    if (['varchar', 'char', 'nvarchar', 'nchar', 'varbinary', 'binary'].includes(t))
      nativeType = `${t}(${maxLength === -1 ? 'max' : chars})`;
    else if (t === 'decimal' || t === 'numeric') nativeType = `${t}(${precision},${scale})`;
    else if (t === 'datetime2' || t === 'datetimeoffset' || t === 'time') nativeType = `${t}(${scale})`;
    const column: SourceColumn = {
      name: String(c.name),
      type,
      nativeType,
      nullable: c.nullable === true || c.nullable === 1,
      primaryKey: pk.includes(String(c.name)),
    };
    if (type === 'string' || (type === 'binary' && t !== 'timestamp' && t !== 'rowversion'))
      column.length = maxLength === -1 ? 0 : chars;
    if (type === 'decimal') {
      column.precision = t === 'money' ? 19 : t === 'smallmoney' ? 10 : precision;
      column.scale = t === 'money' || t === 'smallmoney' ? 4 : scale;
    }
    if (type === 'timestamp' || type === 'timestamptz' || type === 'time')
      column.scale = t === 'datetime' ? 3 : t === 'smalldatetime' ? 0 : scale;
    if (type === 'int') column.length = t === 'tinyint' ? 3 : t === 'smallint' ? 5 : 10;
    if (type === 'bigint') column.length = 19;
    if (c.collation) column.collation = String(c.collation);
    return column;
  });
  if (cols.length === 0) {
    throw new FerryError(
      'FERRY_NOT_FOUND',
      `Table ${ref.schema}.${ref.table} not found (or no column is visible to this user: GRANT SELECT ON it)`,
      { details: { table: ref.requested } },
    );
  }
  return {
    name: ref.requested,
    schema: ref.schema,
    columns: cols,
    primaryKey: pk,
    indexedColumns: [...new Set(keys.filter((k) => Number(k.pos) === 1).map((k) => String(k.name)))],
  };
}
