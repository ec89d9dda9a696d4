import type { SourceColumn, SourceTable, SqlDb } from '@ferry/sdk/connector';
import { FerryError } from '@ferry/sdk/errors';
import { columnTypeOf, SPATIAL_TYPES } from './type-mapping.js';

interface TableRef {
  requested: string;
  schema: string;
  table: string;
}

/** Tables, columns, primary keys and leading index columns from information_schema. */
export async function discoverMysql(db: SqlDb, names?: readonly string[]): Promise<SourceTable[]> {
  const [{ db: current } = { db: '' }] = (await db.query('SELECT DATABASE() AS db')) as { db: string }[];
  let refs: TableRef[];
  if (names) {
    refs = names.map((name) => {
      const dot = name.indexOf('.');
      return dot < 0
        ? { requested: name, schema: current, table: name }
        : { requested: name, schema: name.slice(0, dot), table: name.slice(dot + 1) };
    });
  } else {
    const rows = await db.query(
      `SELECT TABLE_NAME AS t FROM information_schema.TABLES
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'VIEW') AND TABLE_NAME NOT LIKE '%\\_ferry\\_log'
        ORDER BY TABLE_NAME`,
    );
    refs = rows.map((r) => ({ requested: String(r.t), schema: current, table: String(r.t) }));
  }
  if (refs.length === 0) return [];
  const match = refs.map(() => '(TABLE_SCHEMA = ? AND TABLE_NAME = ?)').join(' OR ');
  const bindings = refs.flatMap((r) => [r.schema, r.table]);
  const columns = await db.query(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, COLUMN_NAME AS name, IS_NULLABLE AS nullable, DATA_TYPE AS data_type,
            COLUMN_TYPE AS column_type, CHARACTER_MAXIMUM_LENGTH AS char_len, NUMERIC_PRECISION AS num_precision,
            NUMERIC_SCALE AS num_scale, DATETIME_PRECISION AS dt_precision, COLLATION_NAME AS collation_name
       FROM information_schema.COLUMNS WHERE ${match} ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    bindings,
  );
  const indexes = await db.query(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t, INDEX_NAME AS index_name, COLUMN_NAME AS name, SEQ_IN_INDEX AS seq
       FROM information_schema.STATISTICS WHERE ${match} ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    bindings,
  );
  return refs.map((ref) => {
    const own = (r: Record<string, unknown>) => r.s === ref.schema && r.t === ref.table;
    const pk = indexes.filter((i) => own(i) && i.index_name === 'PRIMARY').map((i) => String(i.name));
    const indexed = [
      ...new Set(indexes.filter((i) => own(i) && Number(i.seq) === 1).map((i) => String(i.name))),
    ];
    const cols: SourceColumn[] = columns.filter(own).map((c) => {
      const dataType = String(c.data_type).toLowerCase();
      const columnType = String(c.column_type);
      const type = SPATIAL_TYPES.has(dataType) ? 'other' : columnTypeOf(dataType, columnType);
      const column: SourceColumn = {
        name: String(c.name),
        type,
        nativeType: columnType,
        nullable: c.nullable === 'YES',
        primaryKey: pk.includes(String(c.name)),
      };
      if ((type === 'string' || type === 'binary') && c.char_len != null) column.length = Number(c.char_len);
      if (type === 'decimal') {
        column.precision = Number(c.num_precision);
        column.scale = Number(c.num_scale ?? 0);
      }
      if ((type === 'timestamp' || type === 'timestamptz' || type === 'time') && c.dt_precision != null) {
        column.scale = Number(c.dt_precision);
      }
      if (c.collation_name != null) column.collation = String(c.collation_name);
      return column;
    });
    if (cols.length === 0) {
      throw new FerryError(
        'FERRY_NOT_FOUND',
        `Table ${ref.schema}.${ref.table} not found (or no column is visible to this user)`,
        {
          details: { table: ref.requested },
        },
      );
    }
    return {
      name: ref.requested,
      schema: ref.schema,
      columns: cols,
      primaryKey: pk,
      indexedColumns: indexed,
    };
  });
}
