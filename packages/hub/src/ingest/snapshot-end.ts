// The end of a full resnapshot: the sender's rows of this resource that the new epoch did not write are
// gone at the source, so they are deleted here and logged as deletes for consumers — in the same
// transaction as the batch that ends the snapshot, so readers see the old rows or the new set, never a mix.
import type { Knex } from 'knex';
import type { ResourceRow } from '../store/index.js';

/** Deletes the sender's rows of epochs before `epoch`; returns their delete changes as NDJSON lines. */
export async function dropRowsOfOlderEpochs(
  trx: Knex.Transaction,
  resource: ResourceRow,
  sender: string,
  epoch: number,
): Promise<{ count: number; content: Uint8Array }> {
  const stale = (await trx(resource.table)
    .select('row', ...resource.keyItems.map((k) => k.column))
    .where('sender', sender)
    .andWhere('epoch', '<', epoch)) as Record<string, string>[];
  if (stale.length === 0) return { count: 0, content: new Uint8Array(0) };
  let text = '';
  for (const r of stale) {
    const row = JSON.parse(r.row!) as Record<string, unknown>;
    // The stored row carries the key items in their wire form; fall back to the key text if one is absent.
    const key = Object.fromEntries(resource.keyItems.map((k) => [k.name, row[k.name] ?? r[k.column]]));
    text += `${JSON.stringify({ op: 'delete', key })}\n`;
  }
  await trx(resource.table).where('sender', sender).andWhere('epoch', '<', epoch).delete();
  return { count: stale.length, content: Buffer.from(text, 'utf8') };
}
