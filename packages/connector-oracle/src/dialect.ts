import { Timestamp } from '@ferry/sdk/changes';
import {
  type CaptureTable,
  type ColumnType,
  encodeSqlParam,
  type PreflightCheck,
  type SourceColumn,
  type SourceTable,
  type SqlDb,
  type SqlDialect,
} from '@ferry/sdk/connector';
import { oracleChangelog, quoteIdent } from './changelog.js';
import { DEFAULT_MAX_LOB_BYTES, oracleDecoder, oracleTimestampText } from './decode.js';
import { discoverOracle } from './discover.js';
import { oracleOwnPreflight } from './preflight.js';
import { paramExpression, selectExpression } from './type-mapping.js';

function clockMinus(type: ColumnType, ms: number): string {
  // LOCALTIMESTAMP is the session zone's wall clock (set `timeZone`), SYSTIMESTAMP the database host's instant.
  const clock = type === 'timestamp' ? 'LOCALTIMESTAMP' : 'SYSTIMESTAMP';
  return `(${clock} - NUMTODSINTERVAL(${(Math.max(0, Math.round(ms)) / 1000).toFixed(3)}, 'SECOND'))`;
}

/** Options of {@link createOracleDialect}. */
export interface OracleDialectOptions {
  /** Largest CLOB/NCLOB (characters) or BLOB (bytes) value accepted; a larger one fails the read. Default 64 MiB. */
  maxLobBytes?: number;
}

/**
 * The Oracle dialect of the SQL connector framework. Expects connections set up by `oracleKnexConfig`
 * (NUMBER and LOBs fetched as text/Buffer per connection, explicit NLS formats, binary comparison).
 */
export function createOracleDialect(options: OracleDialectOptions = {}): SqlDialect {
  const maxLob = options.maxLobBytes ?? DEFAULT_MAX_LOB_BYTES;
  return {
    name: 'oracle',
    quote: quoteIdent,
    // Before 23ai a SELECT needs a table.
    selectWithoutTable: ' FROM DUAL',
    rows(result) {
      return (Array.isArray(result) ? result : []) as Record<string, unknown>[];
    },
    limit: (n) => `FETCH FIRST ${Math.trunc(n)} ROWS ONLY`,
    // Oracle has no row-value inequality: `(a, b) > (?, ?)` is expanded to ORs.
    rowValueComparison: false,
    discover: discoverOracle,
    selectColumn: selectExpression,
    decoder: (column) => oracleDecoder(column, maxLob),
    decode: (value, column) => oracleDecoder(column, maxLob)(value),
    param: paramExpression,
    encodeParam(value, column: SourceColumn) {
      if (value instanceof Timestamp && (column.type === 'timestamp' || column.type === 'timestamptz')) {
        return oracleTimestampText(
          value,
          column.type === 'timestamptz',
          column.nativeType.toUpperCase() === 'DATE',
        );
      }
      return encodeSqlParam(value, column);
    },
    binaryOrder(_column: SourceColumn, sql: string) {
      // Sessions run with NLS_COMP = BINARY and NLS_SORT = BINARY: ORDER BY and comparisons use the stored
      // bytes, which is code point order in an AL32UTF8 database (not in ZHS16GBK; preflight says so).
      return sql;
    },
    clockMinus,
    selectClockMinus: (column, ms) => selectExpression(column, clockMinus(column.type, ms)),
    changelog: oracleChangelog,
    async preflight(db: SqlDb, table: SourceTable, capture: CaptureTable): Promise<PreflightCheck[]> {
      return oracleOwnPreflight(db, table, capture);
    },
    async statisticsRowCount(db: SqlDb, table: SourceTable): Promise<number | undefined> {
      const [row] = await db.query(
        'SELECT NUM_ROWS AS "n" FROM ALL_TABLES WHERE OWNER = ? AND TABLE_NAME = ?',
        [table.schema, table.name.split('.').pop()!],
      );
      const n = Number(row?.n ?? Number.NaN);
      return Number.isFinite(n) && n >= 0 ? n : undefined;
    },
    isUndefinedColumn(err) {
      // ORA-00904: invalid identifier.
      const e = err as { errorNum?: number; message?: string } | undefined;
      return e?.errorNum === 904 || /^ORA-00904/.test(e?.message ?? '');
    },
  };
}

/** The Oracle dialect with default options. */
export const oracleDialect: SqlDialect = createOracleDialect();
