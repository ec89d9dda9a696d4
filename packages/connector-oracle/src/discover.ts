import type { SourceColumn, SourceTable, SqlDb } from '@ferry/sdk/connector';
import { FerryError } from '@ferry/sdk/errors';
import { columnTypeOf } from './type-mapping.js';

interface TableRef {
  requested: string;
  qualified: boolean;
  owner: string;
  table: string;
}

/**
 * Resolves `name` (`TABLE`, `OWNER.TABLE`, any case) against the names Oracle stores: an exact match first,
 * then the upper-case form that an unquoted identifier gets.
 */
function candidates(name: string, currentSchema: string): TableRef {
  const dot = name.indexOf('.');
  return dot < 0
    ? { requested: name, qualified: false, owner: currentSchema, table: name }
    : { requested: name, qualified: true, owner: name.slice(0, dot), table: name.slice(dot + 1) };
}

/** Tables, columns, primary keys and leading index columns from the ALL_* dictionary views. */
export async function discoverOracle(db: SqlDb, names?: readonly string[]): Promise<SourceTable[]> {
  const [session] = await db.query(`SELECT SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') AS "schema" FROM DUAL`);
  const currentSchema = String(session?.schema ?? '');
  let refs: TableRef[];
  if (names) {
    refs = [];
    for (const name of names) {
      const ref = candidates(name, currentSchema);
      const rows = await db.query(
        `SELECT OWNER AS "owner", TABLE_NAME AS "table" FROM ALL_TABLES
          WHERE (OWNER = ? OR OWNER = UPPER(?)) AND (TABLE_NAME = ? OR TABLE_NAME = UPPER(?))
          ORDER BY CASE WHEN OWNER = ? AND TABLE_NAME = ? THEN 0 ELSE 1 END`,
        [ref.owner, ref.owner, ref.table, ref.table, ref.owner, ref.table],
      );
      const found = rows[0];
      if (!found) {
        throw new FerryError(
          'FERRY_NOT_FOUND',
          `Table ${ref.owner}.${ref.table} not found (or not visible to this user: GRANT SELECT ON it); Oracle stores unquoted names in upper case`,
          { details: { table: name } },
        );
      }
      refs.push({ ...ref, owner: String(found.owner), table: String(found.table) });
    }
  } else {
    const rows = await db.query(
      `SELECT OWNER AS "owner", TABLE_NAME AS "table" FROM ALL_TABLES
        WHERE OWNER = ? AND TABLE_NAME NOT LIKE '%\\_FERRY\\_LOG' ESCAPE '\\' AND TABLE_NAME NOT LIKE '%\\_ferry\\_log' ESCAPE '\\'
        ORDER BY TABLE_NAME`,
      [currentSchema],
    );
    refs = rows.map((r) => ({
      requested: String(r.table),
      qualified: false,
      owner: String(r.owner),
      table: String(r.table),
    }));
  }
  const out: SourceTable[] = [];
  for (const ref of refs) {
    const columns = await db.query(
      `SELECT COLUMN_NAME AS "name", DATA_TYPE AS "data_type", DATA_PRECISION AS "precision", DATA_SCALE AS "scale",
              CHAR_LENGTH AS "char_length", DATA_LENGTH AS "data_length", NULLABLE AS "nullable"
         FROM ALL_TAB_COLUMNS WHERE OWNER = ? AND TABLE_NAME = ? ORDER BY COLUMN_ID`,
      [ref.owner, ref.table],
    );
    const keys = await db.query(
      `SELECT cc.COLUMN_NAME AS "name" FROM ALL_CONSTRAINTS c
         JOIN ALL_CONS_COLUMNS cc ON cc.OWNER = c.OWNER AND cc.CONSTRAINT_NAME = c.CONSTRAINT_NAME
        WHERE c.OWNER = ? AND c.TABLE_NAME = ? AND c.CONSTRAINT_TYPE = 'P'
        ORDER BY cc.POSITION`,
      [ref.owner, ref.table],
    );
    const indexed = await db.query(
      `SELECT DISTINCT COLUMN_NAME AS "name" FROM ALL_IND_COLUMNS
        WHERE TABLE_OWNER = ? AND TABLE_NAME = ? AND COLUMN_POSITION = 1`,
      [ref.owner, ref.table],
    );
    out.push(describeTable(ref, columns, keys, indexed));
  }
  return out;
}

/** Builds a {@link SourceTable} from the dictionary rows (exported for tests with recorded rows). */
export function describeTable(
  ref: { qualified: boolean; owner: string; table: string },
  columns: readonly Record<string, unknown>[],
  keys: readonly Record<string, unknown>[],
  indexed: readonly Record<string, unknown>[],
): SourceTable {
  const pk = keys.map((k) => String(k.name));
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const cols: SourceColumn[] = columns.map((c) => {
    const dataType = String(c.data_type);
    const precision = num(c.precision);
    const scale = num(c.scale);
    const type = columnTypeOf(dataType, precision, scale);
    let nativeType = dataType;
    if (dataType === 'NUMBER' && precision !== null) nativeType = `NUMBER(${precision},${scale ?? 0})`;
    else if (dataType === 'NUMBER' && scale === 0) nativeType = 'NUMBER(*,0)';
    else if (/^(N?VARCHAR2|N?CHAR)$/.test(dataType)) nativeType = `${dataType}(${num(c.char_length)})`;
    else if (dataType === 'RAW') nativeType = `RAW(${num(c.data_length)})`;
    const column: SourceColumn = {
      name: String(c.name),
      type,
      nativeType,
      nullable: c.nullable === 'Y',
      primaryKey: pk.includes(String(c.name)),
    };
    if (type === 'string' && c.char_length != null) column.length = Number(c.char_length);
    if (type === 'binary' && dataType === 'RAW') column.length = Number(c.data_length);
    if (type === 'decimal') {
      column.precision = precision ?? 38;
      if (scale !== null) column.scale = scale;
      // NUMBER without precision has no fixed scale: leave `scale` unset so values keep their own digits.
      if (precision === null && dataType === 'NUMBER' && scale === null) delete column.scale;
    }
    if (type === 'int' || type === 'bigint') column.length = precision ?? undefined;
    if (type === 'timestamp' || type === 'timestamptz') column.scale = dataType === 'DATE' ? 0 : (scale ?? 6);
    return column;
  });
  if (cols.length === 0) {
    throw new FerryError(
      'FERRY_NOT_FOUND',
      `Table ${ref.owner}.${ref.table} has no column visible to this user`,
      {
        details: { table: `${ref.owner}.${ref.table}` },
      },
    );
  }
  return {
    name: ref.qualified ? `${ref.owner}.${ref.table}` : ref.table,
    schema: ref.owner,
    columns: cols,
    primaryKey: pk,
    indexedColumns: indexed.map((r) => String(r.name)),
  };
}
