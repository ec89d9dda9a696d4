// The bookkeeping rows of an applied envelope: its changes in the change log at the next log positions, the
// resource's log position, the stream's next position, the envelope with its receipt, and the audit entry.
// On PostgreSQL the common case (one log batch) is one statement of data-modifying CTEs, one round trip instead
// of five; everything else takes the repositories' statements one by one. Runs inside the ingest transaction.
import type { SignedReceipt } from '@ferry/sdk';
import type { Knex } from 'knex';
import type { Stores } from '../context.js';
import type { ResourceRow, StreamState } from '../store/index.js';

/** What was applied, for the bookkeeping rows. */
export interface AppliedRecord {
  resource: ResourceRow;
  sender: string;
  envelopeId: string;
  epoch: number;
  seq: number;
  /** Changes in the envelope (the receipt's and audit's row count). */
  rows: number;
  /** Change-log batches to append, in order: the envelope's, then a resnapshot's dropped rows. */
  logs: { count: number; deflated: Uint8Array }[];
  /** Whether the stream had a position before this envelope. */
  streamExisted: boolean;
  receipt: SignedReceipt;
  appliedAt: string;
}

/** Writes the bookkeeping rows of an applied envelope in `trx`. */
export async function recordApplied(
  trx: Knex.Transaction,
  kind: 'sqlite' | 'postgres',
  stores: Stores,
  record: AppliedRecord,
): Promise<void> {
  const logs = record.logs.filter((l) => l.count > 0);
  if (kind === 'postgres' && logs.length === 1) return recordInOneStatement(trx, record, logs[0]!);
  let position = record.resource.logPosition;
  for (const log of logs) {
    await stores.changeLog.append(trx, {
      resourceId: record.resource.id,
      first: position + 1,
      last: position + log.count,
      sender: record.sender,
      epoch: record.epoch,
      seq: record.seq,
      envelopeId: record.envelopeId,
      deflated: log.deflated,
    });
    position += log.count;
  }
  if (position !== record.resource.logPosition)
    await stores.resources.setLogPosition(trx, record.resource.id, position);
  const next: StreamState = { epoch: record.epoch, nextSeq: record.seq + 1 };
  await stores.streams.advance(trx, record.sender, record.resource.code, next, record.streamExisted);
  await stores.streams.record(trx, {
    id: record.envelopeId,
    sender: record.sender,
    resource: record.resource.code,
    epoch: record.epoch,
    seq: record.seq,
    rows: record.rows,
    receipt: record.receipt,
  });
  await stores.audit.write(
    {
      actor: record.sender,
      action: 'ingest',
      outcome: 'ok',
      resource: record.resource.code,
      envelopeId: record.envelopeId,
      epoch: record.epoch,
      seq: record.seq,
      rows: record.rows,
    },
    trx,
    record.appliedAt,
  );
}

async function recordInOneStatement(
  trx: Knex.Transaction,
  r: AppliedRecord,
  log: { count: number; deflated: Uint8Array },
): Promise<void> {
  const first = r.resource.logPosition + 1;
  const last = r.resource.logPosition + log.count;
  const at = r.appliedAt;
  await trx.raw(
    `WITH
      logged AS (INSERT INTO change_batches
        (resource_id, first_position, last_position, sender, epoch, seq, envelope_id, content, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)),
      positioned AS (UPDATE resources SET log_position = ? WHERE id = ?),
      advanced AS (INSERT INTO streams (sender, resource, epoch, next_seq, updated_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (sender, resource) DO UPDATE
        SET epoch = EXCLUDED.epoch, next_seq = EXCLUDED.next_seq, updated_at = EXCLUDED.updated_at),
      recorded AS (INSERT INTO envelopes (id, sender, resource, epoch, seq, rows, receipt, received_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?))
    INSERT INTO audit_log (at, actor, action, outcome, resource, envelope_id, epoch, seq, rows)
      VALUES (?, ?, 'ingest', 'ok', ?, ?, ?, ?, ?)`,
    [
      r.resource.id,
      first,
      last,
      r.sender,
      r.epoch,
      r.seq,
      r.envelopeId,
      Buffer.from(log.deflated.buffer, log.deflated.byteOffset, log.deflated.byteLength),
      at,
      last,
      r.resource.id,
      r.sender,
      r.resource.code,
      r.epoch,
      r.seq + 1,
      at,
      r.envelopeId,
      r.sender,
      r.resource.code,
      r.epoch,
      r.seq,
      r.rows,
      JSON.stringify(r.receipt),
      at,
      at,
      r.sender,
      r.resource.code,
      r.envelopeId,
      r.epoch,
      r.seq,
      r.rows,
    ],
  );
}
