// Streams (one resource from one sender: epoch and next seq) and the envelopes applied to them, with the
// signed receipt of each, so retries and repeats are answered with what was sent the first time.
import type { SignedReceipt } from '@ferry/sdk';
import type { Knex } from 'knex';
import { nowIso, toInt } from './values.js';

/** Where a stream is. */
export interface StreamState {
  epoch: number;
  nextSeq: number;
}

/** An applied envelope. */
export interface AppliedEnvelope {
  id: string;
  sender: string;
  resource: string;
  epoch: number;
  seq: number;
  receipt: SignedReceipt;
}

/** Reads and writes stream positions and applied envelopes. */
export class StreamStore {
  constructor(private readonly knex: Knex) {}

  /** The stream's position, or undefined before its first envelope. */
  async state(sender: string, resource: string, db: Knex = this.knex): Promise<StreamState | undefined> {
    const row = await db('streams').where({ sender, resource }).first('epoch', 'next_seq');
    return row ? { epoch: toInt(row.epoch), nextSeq: toInt(row.next_seq) } : undefined;
  }

  /** Sets the stream's position. */
  async advance(
    trx: Knex,
    sender: string,
    resource: string,
    state: StreamState,
    existed: boolean,
  ): Promise<void> {
    const values = { epoch: state.epoch, next_seq: state.nextSeq, updated_at: nowIso() };
    if (existed) await trx('streams').where({ sender, resource }).update(values);
    else await trx('streams').insert({ sender, resource, ...values });
  }

  /** The applied envelope with this id, or undefined. */
  async byId(id: string, db: Knex = this.knex): Promise<AppliedEnvelope | undefined> {
    const row = await db('envelopes').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  /** The envelope applied at this stream position, or undefined. */
  async byPosition(
    sender: string,
    resource: string,
    epoch: number,
    seq: number,
    db: Knex = this.knex,
  ): Promise<AppliedEnvelope | undefined> {
    const row = await db('envelopes').where({ sender, resource, epoch, seq }).first();
    return row ? fromRow(row) : undefined;
  }

  /** Records an applied envelope and its receipt. */
  async record(trx: Knex, envelope: AppliedEnvelope & { rows: number }): Promise<void> {
    await trx('envelopes').insert({
      id: envelope.id,
      sender: envelope.sender,
      resource: envelope.resource,
      epoch: envelope.epoch,
      seq: envelope.seq,
      rows: envelope.rows,
      receipt: JSON.stringify(envelope.receipt),
      received_at: envelope.receipt.receipt.appliedAt,
    });
  }
}

function fromRow(row: Record<string, unknown>): AppliedEnvelope {
  return {
    id: String(row.id),
    sender: String(row.sender),
    resource: String(row.resource),
    epoch: toInt(row.epoch),
    seq: toInt(row.seq),
    receipt: JSON.parse(String(row.receipt)) as SignedReceipt,
  };
}
