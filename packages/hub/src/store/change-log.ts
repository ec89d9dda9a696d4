// The change log of each resource: one row per applied batch holding its changes exactly as applied, at
// log positions first…last. Batches rather than rows keep the append one write whatever the batch size, and
// the NDJSON is stored compressed (change batches compress 5–20×, and writing less is what makes the append
// cheap): as one raw deflate stream, or, when the sender's envelope already carried it deflated, as the
// sender's own deflate streams made gzip members (RFC 1952), so the hub does not compress it a second time.
// A raw deflate stream never starts with gzip's magic (0x1f would be the reserved block type), so the two
// forms are told apart by their first bytes.

import { crc32, deflateRawSync, gunzipSync, inflateRawSync } from 'node:zlib';
import type { CompressedSegment } from '@ferry/sdk';
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

/** gzip's member header: magic, deflate, no flags, no time, no extra flags, unknown OS. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/**
 * The change log's stored form of content that arrived as deflated segments (`segments` inflate, in order, to
 * `content`): each segment wrapped as a gzip member, with the CRC-32 and length of its part of the content.
 */
export function logFromSegments(segments: readonly CompressedSegment[], content: Uint8Array): Buffer {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const { deflated, length } of segments) {
    const trailer = Buffer.allocUnsafe(8);
    trailer.writeUInt32LE(crc32(content.subarray(at, at + length)), 0);
    trailer.writeUInt32LE(length >>> 0, 4);
    parts.push(GZIP_HEADER, deflated, trailer);
    at += length;
  }
  if (at !== content.length) throw new Error('compressed segments do not cover the content');
  return Buffer.concat(parts);
}

/** The NDJSON content of a stored change-log batch, in either stored form. */
export function inflateLog(stored: Buffer): Buffer {
  return stored[0] === 0x1f && stored[1] === 0x8b ? gunzipSync(stored) : inflateRawSync(stored);
}

/** Appends to and reads the change log. */
export class ChangeLogStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Appends a batch (non-empty) at positions `first`…`last`; `deflated` is its content in a stored form
   * ({@link deflateForLog} or {@link logFromSegments}).
   */
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
      content: inflateLog(r.content as Buffer),
    }));
  }
}
