import { Timestamp } from '@ferry/sdk/changes';
import {
  type CaptureTable,
  type ColumnType,
  decodeSqlValue,
  encodeSqlParam,
  epochSecondsText,
  type PreflightCheck,
  type RawRow,
  type SourceColumn,
  type SourceTable,
  type SqlDb,
  type SqlDialect,
  sqlDecoder,
  timestampFromEpochSeconds,
} from '@ferry/sdk/connector';
import type { Knex } from 'knex';
import { mysqlChangelog, quoteIdent } from './changelog.js';
import { discoverMysql } from './discover.js';
import { SPATIAL_TYPES } from './type-mapping.js';

function clockMinus(_type: ColumnType, ms: number): string {
  // NOW(6) is the statement's start in the session zone, the zone DATETIME values are written in and
  // TIMESTAMP values are compared in.
  return `(NOW(6) - INTERVAL ${Math.max(0, Math.round(ms)) * 1000} MICROSECOND)`;
}

function isSpatial(column: SourceColumn): boolean {
  return SPATIAL_TYPES.has(column.nativeType.toLowerCase().split('(')[0]!.trim());
}

/**
 * The MySQL/MariaDB dialect of the SQL connector framework. Expects mysql2 with `supportBigNumbers`,
 * `bigNumberStrings`, `decimalNumbers: false`, `dateStrings: true` and charset utf8mb4.
 */
export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  quote: quoteIdent,
  rows(result) {
    const rows = Array.isArray(result) ? result[0] : undefined;
    return (Array.isArray(rows) ? rows : []) as Record<string, unknown>[];
  },
  limit: (n) => `LIMIT ${Math.trunc(n)}`,
  // The OR expansion is what MySQL's and MariaDB's range optimizer handles best.
  rowValueComparison: false,
  discover: discoverMysql,
  selectColumn(column, sql) {
    // TIMESTAMP values are instants; the server would show them in the session zone without saying which.
    if (column.type === 'timestamptz') return `UNIX_TIMESTAMP(${sql})`;
    if (isSpatial(column)) return `ST_AsText(${sql})`;
    return sql;
  },
  decoder(column) {
    if (column.type !== 'timestamptz') return sqlDecoder(column);
    return (value) =>
      value === null || value === undefined
        ? null
        : (timestampFromEpochSeconds(String(value)) ?? String(value));
  },
  decode(value, column) {
    if (column.type === 'timestamptz' && value !== null && value !== undefined) {
      return timestampFromEpochSeconds(String(value)) ?? String(value);
    }
    return decodeSqlValue(value, column);
  },
  param(column) {
    // Typed parameters: MySQL compares a number column with a string parameter as doubles.
    switch (column.type) {
      case 'bigint':
        return /unsigned/i.test(column.nativeType) ? 'CAST(? AS UNSIGNED)' : 'CAST(? AS SIGNED)';
      case 'decimal':
        return `CAST(? AS DECIMAL(${column.precision ?? 65}, ${column.scale ?? 0}))`;
      case 'timestamptz':
        return 'FROM_UNIXTIME(?)';
      case 'timestamp':
        return `CAST(? AS DATETIME(${column.scale ?? 0}))`;
      case 'date':
        return 'CAST(? AS DATE)';
      default:
        return '?';
    }
  },
  encodeParam(value, column) {
    if (column.type === 'timestamptz' && value instanceof Timestamp) return epochSecondsText(value);
    return encodeSqlParam(value, column);
  },
  binaryOrder(column: SourceColumn, sql: string) {
    // The UTF-8 bytes: code point order with no PAD SPACE, whatever the column's charset and collation.
    return column.type === 'string' || column.type === 'text'
      ? `CAST(CONVERT(${sql} USING utf8mb4) AS BINARY)`
      : sql;
  },
  clockMinus,
  selectClockMinus(column, ms) {
    return column.type === 'timestamptz'
      ? `UNIX_TIMESTAMP${clockMinus(column.type, ms)}`
      : `DATE_FORMAT(${clockMinus(column.type, ms)}, '%Y-%m-%d %H:%i:%s.%f')`;
  },
  changelog: mysqlChangelog,
  async preflight(db: SqlDb, table: SourceTable, capture: CaptureTable): Promise<PreflightCheck[]> {
    const checks: PreflightCheck[] = [];
    if (capture.strategy.kind === 'changelog' && capture.strategy.install) {
      const [row] = await db.query('SELECT @@log_bin AS log_bin, @@log_bin_trust_function_creators AS trust');
      if (Number(row?.log_bin) === 1 && Number(row?.trust) !== 1) {
        checks.push({
          check: 'changelog-privilege',
          ok: false,
          severity: 'warning',
          table: capture.table,
          message:
            'binary logging is on: creating the change-log triggers needs SUPER (or log_bin_trust_function_creators = 1) besides TRIGGER on the table',
        });
      }
    }
    if (capture.strategy.kind === 'timestamp') {
      const strategy = capture.strategy;
      const column = table.columns.find((c) => c.name === strategy.column);
      if (column?.type === 'timestamp') {
        const [row] = await db.query('SELECT @@session.time_zone AS tz, @@system_time_zone AS sys');
        checks.push({
          check: 'timestamp-zone',
          ok: true,
          table: capture.table,
          message: `\`${column.name}\` is a DATETIME: the lag is measured against NOW() in the session zone ${String(row?.tz)} (system ${String(row?.sys)}); set timeZone to the zone the application writes in`,
        });
      }
    }
    return checks;
  },
  async statisticsRowCount(db: SqlDb, table: SourceTable): Promise<number | undefined> {
    const [row] = await db.query(
      'SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [table.schema, table.name.split('.').pop()!],
    );
    // InnoDB's figure is an estimate from sampled pages; NULL for views and some engines.
    const n = Number(row?.n ?? Number.NaN);
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  },
  /**
   * Rows as mysql2 reads them, through knex's query stream (mysql2's own row stream, paused while a row is
   * handled), instead of a collected result.
   */
  async eachRow(db: SqlDb, sql: string, bindings: readonly unknown[], onRow: (row: RawRow) => void) {
    let failure: { error: unknown } | undefined;
    for await (const row of db.knex.raw(sql, bindings as Knex.RawBinding[]).stream()) {
      // After a failure the rest of the result is still read, so the connection is left clean.
      if (failure) continue;
      try {
        onRow(row as RawRow);
      } catch (error) {
        failure = { error };
      }
    }
    if (failure) throw failure.error;
  },
  isUndefinedColumn(err) {
    return (err as { code?: string } | undefined)?.code === 'ER_BAD_FIELD_ERROR';
  },
};
