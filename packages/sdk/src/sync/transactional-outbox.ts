// The transactional outbox: a business system writes its changes into its own database inside the same
// transaction as the business write, so a rolled-back write sends nothing and a committed one is always sent.
// A relay moves committed rows into the durable outbox.
import type { Knex } from 'knex';
import { type Change, decodeChanges, encodeChanges } from '../changes/index.js';
import { FerryError } from '../errors/index.js';
import type { Outbox } from './outbox/outbox.js';

/** Options of a {@link TransactionalOutbox}. */
export interface TransactionalOutboxOptions {
  /** Table name. Default `ferry_outbox`. */
  table?: string;
}

const CURSOR_PREFIX = 'txo:';

/** Encodes the ids a batch carried as ranges, so the relay can finish their removal after a crash. */
function idsCursor(ids: number[]): string {
  const ranges: [number, number][] = [];
  for (const id of ids) {
    const last = ranges.at(-1);
    if (last && id === last[1] + 1) last[1] = id;
    else ranges.push([id, id]);
  }
  return CURSOR_PREFIX + JSON.stringify(ranges);
}

function idsOf(cursor: string | undefined): [number, number][] {
  if (!cursor?.startsWith(CURSOR_PREFIX)) return [];
  try {
    return JSON.parse(cursor.slice(CURSOR_PREFIX.length)) as [number, number][];
  } catch {
    return [];
  }
}

/**
 * Changes enqueued in the application's own knex transaction.
 *
 * @example
 * ```ts
 * const txo = new TransactionalOutbox(db);
 * await txo.migrate();
 * await db.transaction(async (trx) => {
 *   await trx('permits').insert(permit);
 *   await txo.enqueue(trx, '101001/000001', [{ op: 'upsert', key: { id: permit.id }, row: permit }]);
 * });
 * ```
 */
export class TransactionalOutbox {
  readonly table: string;

  constructor(
    private readonly db: Knex,
    options: TransactionalOutboxOptions = {},
  ) {
    this.table = options.table ?? 'ferry_outbox';
  }

  /** Creates the table if it does not exist. */
  async migrate(): Promise<void> {
    if (await this.db.schema.hasTable(this.table)) return;
    await this.db.schema.createTable(this.table, (t) => {
      t.bigIncrements('id').primary();
      t.string('resource', 128).notNullable().index();
      t.text('change').notNullable();
      t.timestamp('created_at').notNullable().defaultTo(this.db.fn.now());
    });
  }

  /** Writes changes inside `trx` (the application's transaction). Nothing is sent if it rolls back. */
  async enqueue(trx: Knex | Knex.Transaction, resource: string, changes: readonly Change[]): Promise<void> {
    if (!resource) throw new FerryError('FERRY_INVALID_ARGUMENT', 'enqueue needs a resource code');
    if (changes.length === 0) return;
    const rows = changes.map((c) => ({ resource, change: Buffer.from(encodeChanges([c])).toString('utf8') }));
    for (let i = 0; i < rows.length; i += 500) await trx(this.table).insert(rows.slice(i, i + 500));
  }

  /**
   * Moves committed changes of each resource into the durable outbox, at most `batchSize` per batch, and
   * removes them from the table. Returns how many changes moved.
   */
  async relay(
    outbox: Outbox,
    sealBatch: (
      resource: string,
      content: Uint8Array,
      rows: number,
      position: { epoch: number; seq: number },
    ) => Promise<{ frame: Uint8Array; envelopeId: string; rows: number }>,
    options: { batchSize?: number } = {},
  ): Promise<number> {
    const batchSize = options.batchSize ?? 1000;
    const resources = (await this.db(this.table).distinct('resource')) as { resource: string }[];
    let moved = 0;
    for (const { resource } of resources) {
      // A crash after the outbox write and before the delete leaves shipped ids here: finish removing them.
      await this.remove(idsOf(outbox.cursor(resource)));
      for (;;) {
        const rows = (await this.db(this.table)
          .select('id', 'change')
          .where({ resource })
          .orderBy('id')
          .limit(batchSize)) as { id: number | string; change: string }[];
        if (rows.length === 0) break;
        const ids = rows.map((r) => Number(r.id));
        const content = Buffer.from(rows.map((r) => r.change).join(''), 'utf8');
        decodeChanges(content); // refuse to ship what the hub could not read
        const cursor = idsCursor(ids);
        await outbox.append({
          resource,
          cursor,
          seal: (position) => sealBatch(resource, content, rows.length, position),
        });
        await this.remove(idsOf(cursor));
        moved += rows.length;
        if (rows.length < batchSize) break;
      }
    }
    return moved;
  }

  private async remove(ranges: [number, number][]): Promise<void> {
    for (const [from, to] of ranges) await this.db(this.table).whereBetween('id', [from, to]).delete();
  }
}
