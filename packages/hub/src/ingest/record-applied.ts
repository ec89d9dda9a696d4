// The bookkeeping rows of an applied envelope: its changes in the change log at the next log positions, the
// resource's log position, the stream's next position, the envelope with its receipt, and the audit entry.
// On PostgreSQL an envelope with changes is one statement of data-modifying CTEs, one round trip instead of five;
// otherwise the repositories' statements run one by one. Runs inside the ingest transaction.
import type { SignedReceipt } from '@ferry/sdk';
import type { Knex } from 'knex';
import type { Stores } from '../context.js';
import type { AuditEntry, ResourceRow, StreamState } from '../store/index.js';

/** What was applied, for the bookkeeping rows. */
export interface AppliedRecord {
  resource: ResourceRow;
  sender: string;
  envelopeId: string;
  epoch: number;
  seq: number;
  /** Changes in the envelope (the receipt's and audit's row count). */
  rows: number;
  /** The envelope's changes for the change log: how many, and their content deflated (nothing when 0). */
  log: { count: number; deflated: Uint8Array };
  /** Whether the stream had a position before this envelope. */
  streamExisted: boolean;
  receipt: SignedReceipt;
  /** The audit entry of the ingest. */
  audit: AuditEntry;
  appliedAt: string;
}

/** Writes the bookkeeping rows of an applied envelope in `trx`. */
export async function recordApplied(
  trx: Knex.Transaction,
  kind: 'sqlite' | 'postgres',
  stores: Stores,
  record: AppliedRecord,
): Promise<void> {
  const { log } = record;
  if (kind === 'postgres' && log.count > 0) return recordInOneStatement(trx, record, log);
  if (log.count > 0) {
    const last = record.resource.logPosition + log.count;
    await stores.changeLog.append(trx, {
      resourceId: record.resource.id,
      first: record.resource.logPosition + 1,
      last,
      sender: record.sender,
      epoch: record.epoch,
      seq: record.seq,
      envelopeId: record.envelopeId,
      deflated: log.deflated,
    });
    await stores.resources.setLogPosition(trx, record.resource.id, last);
  }
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
  await stores.audit.write(record.audit, trx, record.appliedAt);
}

async function recordInOneStatement(
  trx: Knex.Transaction,
  r: AppliedRecord,
  log: { count: number; deflated: Uint8Array },
): Promise<void> {
  const first = r.resource.logPosition + 1;
  const last = r.resource.logPosition + log.count;
  const at = r.appliedAt;
  const a = r.audit;
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
    INSERT INTO audit_log (at, actor, action, outcome, resource, envelope_id, epoch, seq, rows, details)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
      a.actor,
      a.action,
      a.outcome,
      a.resource ?? null,
      a.envelopeId ?? null,
      a.epoch ?? null,
      a.seq ?? null,
      a.rows ?? null,
      a.details ? JSON.stringify(a.details) : null,
    ],
  );
}
