// Keyset pagination: "rows after this key, in key order", for any number of key columns.
import type { FerryRecord } from '../../changes/index.js';
import type { SourceColumn } from '../source.js';
import type { SqlDialect } from './dialect.js';

/** A SQL fragment and its bindings. */
export interface SqlFragment {
  sql: string;
  bindings: unknown[];
}

/** Key order: the database's own (index order) or code-point order (to merge with Ferry's own order). */
export type KeyOrder = 'natural' | 'binary';

function columnExpr(dialect: SqlDialect, column: SourceColumn, columnSql: string, order: KeyOrder): string {
  return order === 'binary' ? dialect.binaryOrder(column, columnSql) : columnSql;
}

/**
 * `(k1, k2) > (?, ?)` — expanded to `k1 > ? OR (k1 = ? AND k2 > ?)` where the dialect does not use row
 * values — for the columns `columns` (already-quoted SQL in `columnSql`), strictly after `after`.
 */
export function afterPredicate(
  dialect: SqlDialect,
  columns: readonly { column: SourceColumn; sql: string }[],
  after: FerryRecord,
  order: KeyOrder = 'natural',
): SqlFragment {
  const exprs = columns.map(({ column, sql }) => columnExpr(dialect, column, sql, order));
  const params = columns.map(({ column }) => dialect.param(column));
  const values = columns.map(({ column }) => dialect.encodeParam(after[column.name] ?? null, column));
  if (columns.length === 1) return { sql: `${exprs[0]} > ${params[0]}`, bindings: values };
  if (dialect.rowValueComparison && order === 'natural') {
    return { sql: `(${exprs.join(', ')}) > (${params.join(', ')})`, bindings: values };
  }
  const ors: string[] = [];
  const bindings: unknown[] = [];
  for (let i = 0; i < columns.length; i++) {
    const ands: string[] = [];
    for (let j = 0; j < i; j++) {
      ands.push(`${exprs[j]} = ${params[j]}`);
      bindings.push(values[j]);
    }
    ands.push(`${exprs[i]} > ${params[i]}`);
    bindings.push(values[i]);
    ors.push(ands.length === 1 ? ands[0]! : `(${ands.join(' AND ')})`);
  }
  return { sql: `(${ors.join(' OR ')})`, bindings };
}

/** `ORDER BY` list of the columns in the given order. */
export function orderList(
  dialect: SqlDialect,
  columns: readonly { column: SourceColumn; sql: string }[],
  order: KeyOrder = 'natural',
): string {
  return columns.map(({ column, sql }) => columnExpr(dialect, column, sql, order)).join(', ');
}
