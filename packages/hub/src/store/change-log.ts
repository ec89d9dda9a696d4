// The change log of each resource: one row per applied batch holding its changes exactly as applied, at
// log positions first…last. Batches rather than rows keep the append one write whatever the batch size, and
// the NDJSON is stored deflated (change batches compress 5–20×, and writing less is what makes the append cheap).
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Knex } from 'knex';
import { nowIso, toInt } from './values.js';

/** A batch of the change log. */
export interface ChangeBatchRow {
  firstPosition: number;
  lastPosition: number;
  /** NDJSON, one change per line, as the sender sent it. */
  content: Buffer;
}

/** The change log's stored form of NDJSON content: raw deflate, level 1 (cheap, and batches compress well). */
export function deflateForLog(content: Uint8Array): Buffer {
  return deflateRawSync(content, { level: 1 });
}

/** Appends to and reads the change log. */
export class ChangeLogStore {
  constructor(private readonly knex: Knex) {}

  /** Appends a batch (non-empty) at positions `first`…`last`; `deflated` is its content through {@link deflateForLog}. */
  async append(
    trx: Knex,
    batch: {
      resourceId: number;
      first: number;
      last: number;
      sender: string;
      epoch: number;
      seq: number;
      envelopeId: string;
      deflated: Uint8Array;
    },
  ): Promise<void> {
    await trx('change_batches').insert({
      resource_id: batch.resourceId,
      first_position: batch.first,
      last_position: batch.last,
      sender: batch.sender,
      epoch: batch.epoch,
      seq: batch.seq,
      envelope_id: batch.envelopeId,
      content: batch.deflated,
      created_at: nowIso(),
    });
  }

  /** Up to `maxBatches` batches holding positions after `after`, in log order. */
  async after(resourceId: number, after: number, maxBatches: number): Promise<ChangeBatchRow[]> {
    const rows = await this.knex('change_batches')
      .where('resource_id', resourceId)
      .andWhere('last_position', '>', after)
      .orderBy('last_position')
      .limit(maxBatches)
      .select('first_position', 'last_position', 'content');
    return rows.map((r) => ({
      firstPosition: toInt(r.first_position),
      lastPosition: toInt(r.last_position),
      content: inflateRawSync(r.content as Buffer),
    }));
  }
}
