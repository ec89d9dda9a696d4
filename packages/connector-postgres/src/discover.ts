import type { SourceColumn, SourceTable, SqlDb } from '@ferry/sdk/connector';
import { FerryError } from '@ferry/sdk/errors';
import { columnTypeOf } from './type-mapping.js';

interface TableRef {
  requested: string;
  schema: string | undefined;
  table: string;
}

function parseName(name: string): TableRef {
  const dot = name.indexOf('.');
  return dot < 0
    ? { requested: name, schema: undefined, table: name }
    : { requested: name, schema: name.slice(0, dot), table: name.slice(dot + 1) };
}

/** Tables, columns, primary keys and leading index columns from information_schema and pg_catalog. */
export async function discoverPostgres(db: SqlDb, names?: readonly string[]): Promise<SourceTable[]> {
  const [{ schema: currentSchema } = { schema: 'public' }] = (await db.query(
    'SELECT current_schema() AS schema',
  )) as { schema: string }[];
  let refs: TableRef[];
  if (names) refs = names.map(parseName).map((r) => ({ ...r, schema: r.schema ?? currentSchema }));
  else {
    const rows = await db.query(
      `SELECT table_schema AS schema, table_name AS "table" FROM information_schema.tables
       WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg\\_%'
         AND table_type IN ('BASE TABLE', 'VIEW') AND table_name NOT LIKE '%\\_ferry\\_log'
       ORDER BY table_schema, table_name`,
    );
    refs = rows.map((r) => ({
      requested: `${r.schema}.${r.table}`,
      schema: String(r.schema),
      table: String(r.table),
    }));
  }
  if (refs.length === 0) return [];
  const match = refs.map(() => '(c.table_schema = ? AND c.table_name = ?)').join(' OR ');
  const bindings = refs.flatMap((r) => [r.schema, r.table]);
  const columns = await db.query(
    `SELECT c.table_schema AS schema, c.table_name AS "table", c.column_name AS name, c.is_nullable AS nullable,
            c.data_type, format_type(a.atttypid, a.atttypmod) AS native, c.character_maximum_length AS char_len,
            c.numeric_precision, c.numeric_scale, c.datetime_precision
       FROM information_schema.columns c
       JOIN pg_catalog.pg_namespace n ON n.nspname = c.table_schema
       JOIN pg_catalog.pg_class cl ON cl.relnamespace = n.oid AND cl.relname = c.table_name
       JOIN pg_catalog.pg_attribute a ON a.attrelid = cl.oid AND a.attname = c.column_name
      WHERE ${match}
      ORDER BY c.table_schema, c.table_name, c.ordinal_position`,
    bindings,
  );
  const keyMatch = refs.map(() => '(n.nspname = ? AND cl.relname = ?)').join(' OR ');
  const keys = await db.query(
    `SELECT n.nspname AS schema, cl.relname AS "table", a.attname AS name, i.indisprimary AS is_primary,
            array_position(i.indkey::int2[], a.attnum) AS pos
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class cl ON cl.oid = i.indrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
       JOIN pg_catalog.pg_attribute a ON a.attrelid = cl.oid AND a.attnum = ANY(i.indkey)
      WHERE (${keyMatch}) AND (i.indisprimary OR a.attnum = i.indkey[0])
      ORDER BY pos`,
    bindings,
  );
  return refs.map((ref) => {
    const own = (r: Record<string, unknown>) => r.schema === ref.schema && r.table === ref.table;
    const pk = keys.filter((k) => own(k) && k.is_primary === true).map((k) => String(k.name));
    const indexed = [
      ...new Set(keys.filter((k) => own(k) && Number(k.pos) === 0).map((k) => String(k.name))),
    ];
    const cols: SourceColumn[] = columns.filter(own).map((c) => {
      const type = columnTypeOf(String(c.data_type));
      const column: SourceColumn = {
        name: String(c.name),
        type,
        nativeType: String(c.native),
        nullable: c.nullable === 'YES',
        primaryKey: pk.includes(String(c.name)),
      };
      if (c.char_len != null) column.length = Number(c.char_len);
      if (type === 'decimal' && c.numeric_precision != null) {
        column.precision = Number(c.numeric_precision);
        column.scale = Number(c.numeric_scale ?? 0);
      }
      if (
        (type === 'timestamp' || type === 'timestamptz' || type === 'time') &&
        c.datetime_precision != null
      ) {
        column.scale = Number(c.datetime_precision);
      }
      if (type === 'int') column.length = String(c.data_type) === 'smallint' ? 5 : 10;
      if (type === 'bigint') column.length = 19;
      return column;
    });
    if (cols.length === 0) {
      throw new FerryError(
        'FERRY_NOT_FOUND',
        `Table ${ref.schema}.${ref.table} not found (or no column is visible to this user); PostgreSQL folds unquoted names to lower case`,
        { details: { table: ref.requested } },
      );
    }
    return {
      name: ref.requested,
      schema: ref.schema!,
      columns: cols,
      primaryKey: pk,
      indexedColumns: indexed,
    };
  });
}
