// The end of a full resnapshot: the sender's rows of this resource that the new epoch did not write are
// gone at the source, so they are deleted here and logged as deletes for consumers — in the same
// transaction as the batch that ends the snapshot, so readers see the old rows or the new set, never a mix.
// A source that was emptied leaves every old row stale, so they are read, deleted and logged a chunk at a time:
// memory stays flat whatever the table holds.
import type { Knex } from 'knex';
import type { ResourceRow } from '../store/index.js';

/** Stale rows read, deleted and logged per round. */
export const DROP_CHUNK_ROWS = 2_000;

/**
 * Deletes the sender's rows of epochs before `epoch`, a chunk at a time: each chunk's rows are deleted by
 * `deleteKeys` and handed to `log` as NDJSON delete lines. Resolves with the number of rows dropped.
 */
export async function dropRowsOfOlderEpochs(
  trx: Knex.Transaction,
  resource: ResourceRow,
  sender: string,
  epoch: number,
  deleteKeys: (keys: string[][]) => Promise<unknown>,
  log: (count: number, content: Uint8Array) => Promise<void>,
  chunkRows = DROP_CHUNK_ROWS,
): Promise<number> {
  const columns = resource.keyItems.map((k) => k.column);
  let dropped = 0;
  for (;;) {
    const stale = (await trx(resource.table)
      .select('row', ...columns)
      .where('sender', sender)
      .andWhere('epoch', '<', epoch)
      .orderBy(columns)
      .limit(chunkRows)) as Record<string, string>[];
    if (stale.length === 0) break;
    let text = '';
    for (const r of stale) {
      const row = JSON.parse(r.row!) as Record<string, unknown>;
      // The stored row carries the key items in their wire form; fall back to the key text if one is absent.
      const key = Object.fromEntries(resource.keyItems.map((k) => [k.name, row[k.name] ?? r[k.column]]));
      text += `${JSON.stringify({ op: 'delete', key })}\n`;
    }
    // Deleted rows no longer match the query, so the next round reads the next chunk.
    await deleteKeys(columns.map((c) => stale.map((r) => r[c]!)));
    await log(stale.length, Buffer.from(text, 'utf8'));
    dropped += stale.length;
    if (stale.length < chunkRows) break;
  }
  return dropped;
}
