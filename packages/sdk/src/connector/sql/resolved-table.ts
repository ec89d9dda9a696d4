// A capture config checked against the discovered table: key, captured columns, select list, row decoding.
import type { FerryRecord, FerryValue } from '../../changes/index.js';
import { FerryError } from '../../errors/index.js';
import type { CaptureTable, SourceColumn, SourceTable } from '../source.js';
import type { RawRow, SqlDialect } from './dialect.js';

/** A table ready to be read: what every strategy works with. */
export interface ResolvedTable {
  readonly capture: CaptureTable;
  readonly meta: SourceTable;
  /** Quoted, qualified table name. */
  readonly sqlName: string;
  /** Key columns, in key order. */
  readonly key: readonly SourceColumn[];
  /** Captured columns, in table order (always including the key). */
  readonly columns: readonly SourceColumn[];
  /** Column by name (any column of the table). */
  column(name: string): SourceColumn;
  /** `alias.col AS col, …` for the captured columns. */
  selectList(alias: string): string;
  /** `alias.col` quoted. */
  ref(alias: string, column: SourceColumn | string): string;
  /** The decoder of each captured column (a driver value → its Ferry value), in `columns` order. */
  readonly decoders: readonly ((value: unknown) => FerryValue)[];
  /** Decodes a driver row to captured column values. */
  decodeRow(raw: RawRow): FerryRecord;
  /** The key values of a decoded row. */
  keyOf(row: FerryRecord): FerryRecord;
}

/** Quotes a possibly schema-qualified name part by part. */
export function qualifiedName(dialect: SqlDialect, schema: string | undefined, table: string): string {
  return schema ? `${dialect.quote(schema)}.${dialect.quote(table)}` : dialect.quote(table);
}

/**
 * Checks `capture` against `meta` and prepares reading: throws `FERRY_CONFIG_INVALID` naming the exact
 * problem (no key, unknown column, key column excluded).
 */
export function resolveTable(
  dialect: SqlDialect,
  capture: CaptureTable,
  meta: SourceTable,
  /** Columns the strategy reads (its increasing or timestamp column): captured even when not included. */
  required: readonly string[] = [],
): ResolvedTable {
  const byName = new Map(meta.columns.map((c) => [c.name, c]));
  const configError = (field: string, message: string): FerryError =>
    new FerryError('FERRY_CONFIG_INVALID', `${capture.table}: ${message}`, { location: { field } });
  const keyNames = capture.key && capture.key.length > 0 ? capture.key : meta.primaryKey;
  if (keyNames.length === 0) {
    throw configError(
      'key',
      'the table has no primary key; set `key` to columns that identify a row (with the diff strategy when no column tracks changes)',
    );
  }
  const key = keyNames.map((name, i) => {
    const column = byName.get(name);
    if (!column) throw configError(`key[${i}]`, `key column \`${name}\` does not exist`);
    return column;
  });
  const include = capture.columns?.include;
  const exclude = new Set(capture.columns?.exclude ?? []);
  for (const [list, field] of [
    [include ?? [], 'columns.include'],
    [[...exclude], 'columns.exclude'],
  ] as const) {
    list.forEach((name, i) => {
      if (!byName.has(name)) throw configError(`${field}[${i}]`, `column \`${name}\` does not exist`);
    });
  }
  for (const k of key) {
    if (exclude.has(k.name))
      throw configError('columns.exclude', `key column \`${k.name}\` cannot be excluded`);
  }
  required.forEach((name) => {
    if (!byName.has(name)) throw configError('strategy.column', `column \`${name}\` does not exist`);
  });
  const keySet = new Set([...key.map((k) => k.name), ...required]);
  const includeSet = include ? new Set(include) : undefined;
  const columns = meta.columns.filter(
    (c) => keySet.has(c.name) || ((!includeSet || includeSet.has(c.name)) && !exclude.has(c.name)),
  );
  const sqlName = qualifiedName(dialect, meta.schema, meta.name.split('.').pop()!);
  const ref = (alias: string, column: SourceColumn | string) =>
    `${alias}.${dialect.quote(typeof column === 'string' ? column : column.name)}`;
  const decoders = columns.map(
    (c) => dialect.decoder?.(c) ?? ((v: unknown): FerryValue => dialect.decode(v, c)),
  );
  const decodeRow = compileRecord(
    columns.map((c) => c.name),
    decoders,
  );
  const keyOf = compileRecord(
    key.map((k) => k.name),
    key.map(() => (v: unknown) => (v === undefined ? null : (v as FerryValue))),
  );
  return {
    capture,
    meta,
    sqlName,
    key,
    columns,
    column(name) {
      const c = byName.get(name);
      if (!c) throw configError('column', `column \`${name}\` does not exist`);
      return c;
    },
    selectList(alias) {
      return columns
        .map((c) => `${dialect.selectColumn(c, ref(alias, c))} AS ${dialect.quote(c.name)}`)
        .join(', ');
    },
    ref,
    decoders,
    decodeRow,
    keyOf: keyOf as (row: FerryRecord) => FerryRecord,
  };
}

/**
 * A function building `{ name: convert(source[name]), … }` with the names as literal keys: one object shape
 * for every row, which V8 builds several times faster than a loop adding properties.
 */
function compileRecord(
  names: readonly string[],
  converters: readonly ((v: unknown) => FerryValue)[],
): (source: Record<string, unknown>) => FerryRecord {
  if (names.includes('__proto__')) {
    return (source) => {
      const out: FerryRecord = {};
      names.forEach((name, i) => {
        Object.defineProperty(out, name, {
          value: converters[i]!(source[name]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      });
      return out;
    };
  }
  const body = names
    .map((name, i) => `${JSON.stringify(name)}: c[${i}](s[${JSON.stringify(name)}])`)
    .join(',\n');
  return new Function('c', `return function record(s) { return {\n${body}\n}; };`)(converters) as (
    source: Record<string, unknown>,
  ) => FerryRecord;
}
