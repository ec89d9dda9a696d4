// The changes of one read (a snapshot chunk, an incremental batch), as the SQL framework collects them.

import { ChangeEncoder, withEncodedChanges } from '../../changes/encoded.js';
import type { Change, FerryRecord, FerryValue } from '../../changes/index.js';
import type { StrategyContext } from '../strategies/strategy.js';
import type { RawRow, SqlDb, SqlDialect } from './dialect.js';
import type { ResolvedTable } from './resolved-table.js';
import { type TextRow, type TextRowWriter, textRowWriter } from './text-rows.js';

/**
 * Collects the changes of one read. Encoding, each change is written to its NDJSON line as it is added and
 * the objects are dropped at once; the result's `changes` are decoded from those bytes only if someone reads
 * them (the outbox never does). Otherwise the changes are kept as objects, as a consumer that reads them
 * wants them.
 */
export class ChangeList {
  private readonly objects: Change[] | undefined;
  private readonly encoder: ChangeEncoder | undefined;

  /** `onDecode`: called when the encoded changes of the result are read as objects. */
  constructor(
    encode: boolean,
    expected: number,
    private readonly onDecode?: () => void,
  ) {
    if (encode) this.encoder = new ChangeEncoder(expected);
    else this.objects = [];
  }

  push(change: Change): void {
    if (this.encoder) this.encoder.add(change);
    else this.objects!.push(change);
  }

  /** Adds the upsert of a row read as text: written from its bytes, or decoded for a list of objects. */
  pushText(rows: TextRowWriter, row: TextRow): void {
    if (this.encoder) this.encoder.addWritten(rows, row);
    else this.objects!.push(rows.upsert(row));
  }

  get length(): number {
    return this.encoder ? this.encoder.count : this.objects!.length;
  }

  /** True when changes are written to their lines as they are added (see the class). */
  get encoding(): boolean {
    return this.encoder !== undefined;
  }

  /** Puts the changes on `target` as its `changes`. The list is not used afterwards. */
  into<T extends object>(target: T): T & { changes: Change[] } {
    if (!this.encoder) return Object.assign(target, { changes: this.objects! });
    return withEncodedChanges(target, this.encoder.finish(), this.onDecode);
  }
}

/** The list for one read of a strategy: the source's choice, or plain objects for a context made by hand. */
export function changeList(ctx: StrategyContext, expected: number): ChangeList {
  return ctx.changeList?.(expected) ?? new ChangeList(false, expected);
}

/**
 * Runs `sql` and hands its rows to `onRow` one by one: streamed where the dialect can ({@link SqlDialect.eachRow}),
 * else from the collected result. Resolves with the number of rows.
 */
export async function eachRow(
  db: SqlDb,
  dialect: SqlDialect,
  sql: string,
  bindings: readonly unknown[],
  onRow: (row: RawRow) => void,
): Promise<number> {
  let n = 0;
  const count = (row: RawRow) => {
    n++;
    onRow(row);
  };
  if (dialect.eachRow) await dialect.eachRow(db, sql, bindings, count);
  else for (const row of await db.query(sql, bindings)) count(row);
  return n;
}

/**
 * Runs `sql`, a SELECT of `table`'s select list, and adds each row's upsert to `changes`: written from the
 * row's text where the dialect reads rows as text ({@link SqlDialect.eachTextRow}) and the list encodes,
 * otherwise decoded. With `watch`, each row's value of that column is handed to `onValue` (null for NULL).
 * Resolves with the number of rows and the last one, decoded.
 */
export async function eachUpsert(
  db: SqlDb,
  dialect: SqlDialect,
  table: ResolvedTable,
  sql: string,
  bindings: readonly unknown[],
  changes: ChangeList,
  watch?: { column: string; onValue: (value: FerryValue) => void },
): Promise<{ count: number; last: FerryRecord | undefined }> {
  const text = changes.encoding && dialect.eachTextRow ? textRowWriter(dialect, table) : undefined;
  if (text) {
    const field = watch ? table.columns.findIndex((c) => c.name === watch.column) : -1;
    let count = 0;
    let kept: TextRow | undefined;
    await dialect.eachTextRow!(db, sql, bindings, (row) => {
      changes.pushText(text, row);
      if (watch) watch.onValue(text.fieldValue(row, field));
      kept = text.keep(row, kept);
      count++;
    });
    return { count, last: kept && text.decodeRow(kept) };
  }
  let last: FerryRecord | undefined;
  const count = await eachRow(db, dialect, sql, bindings, (raw) => {
    const row = table.decodeRow(raw);
    changes.push({ op: 'upsert', key: table.keyOf(row), row });
    if (watch) watch.onValue(row[watch.column] ?? null);
    last = row;
  });
  return { count, last };
}
