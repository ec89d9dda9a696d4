// Envelope ingest: verify → answer a retry with its receipt → open → check the stream position → apply the
// changes, append them to the change log, advance the stream, store the receipt and the audit entry, all in
// one transaction, so an envelope is applied exactly once whatever fails and whenever it is resent.
import {
  CHANGES_CONTENT_TYPE,
  FerryError,
  isFerryError,
  parseChangesContentType,
  type SignedReceipt,
  signReceipt,
  type VerifyOptions,
  verifyEnvelope,
} from '@ferry/sdk';
import type { Knex } from 'knex';
import type { HubContext } from '../context.js';
import { fail } from '../http/errors.js';
import { deflateForLog } from '../store/change-log.js';
import { rowCount } from '../store/dialects/index.js';
import type { AuditEntry, ResourceRow } from '../store/index.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { nowIso } from '../store/values.js';
import { openAndDecode, type PreparedBatch } from './decode-batch.js';
import { GroupCommit } from './group-commit.js';
import { OpenPool } from './open-pool.js';
import { recordApplied } from './record-applied.js';
import { ReorderGate } from './reorder-gate.js';
import { dropRowsOfOlderEpochs } from './snapshot-end.js';
import { classifyPosition } from './stream-position.js';

/** What ingest answers: the signed receipt, and whether this envelope was applied now or before. */
export interface IngestResult {
  receipt: SignedReceipt;
  outcome: 'applied' | 'duplicate';
}

interface Position {
  sender: string;
  resource: string;
  envelopeId: string;
  epoch: number;
  seq: number;
  /** Full-snapshot framing carried in the content type (`…;snapshot=end` completes a resnapshot). */
  snapshot: 'begin' | 'continue' | 'end' | null;
}

/** Deletes rows of the envelope's sender by key (column by column), inside the ingest transaction. */
type DeleteKeys = (keys: string[][]) => Promise<number>;

/** Ingests envelopes into one hub's database. */
export class EnvelopeIngest {
  readonly #verifyOptions: VerifyOptions;
  readonly #resources = new Map<string, ResourceRow>();
  readonly #gate: ReorderGate;
  readonly #pool: OpenPool | undefined;
  readonly #group: GroupCommit;

  constructor(private readonly ctx: HubContext) {
    this.#gate = new ReorderGate(ctx.config.envelopes.reorder, (sender, resource) =>
      ctx.stores.streams.state(sender, resource),
    );
    const policy = {
      maxFrameBytes: ctx.config.limits.envelope,
      maxAgeMs: ctx.config.envelopes.maxAgeMs,
      allowedSuites: ctx.config.envelopes.allowedSuites,
    };
    this.#verifyOptions = { trust: ctx.trust, ...policy };
    this.#group = new GroupCommit(ctx.db.knex);
    const { openWorkers } = ctx.config.envelopes;
    this.#pool =
      openWorkers > 0
        ? new OpenPool(openWorkers, { trust: ctx.pem.trust, identity: ctx.pem.identity, verify: policy })
        : undefined;
  }

  /**
   * Ingests one envelope frame. Resolves with the receipt (a stored one for a retried envelope or an already
   * applied stream position); throws a FerryError for anything refused.
   */
  async ingest(frame: Uint8Array): Promise<IngestResult> {
    const { stores, identity } = this.ctx;
    const { header, sender } = await senderChecked(() => verifyEnvelope(frame, this.#verifyOptions));
    const dept = sender.departmentCode;
    if (!(await stores.departments.certificate(dept, sender.certificate.fingerprint))) {
      throw fail('FERRY_AUTH_INVALID', `The sender certificate of ${dept} is not registered with this hub`, {
        details: { reason: 'certificate-unknown', fingerprint: sender.certificate.fingerprint },
      });
    }
    const contentType = parseChangesContentType(header.content.type);
    const position: Position = {
      sender: dept,
      resource: header.resource,
      envelopeId: header.id,
      epoch: header.stream.epoch,
      seq: header.stream.seq,
      snapshot: contentType?.snapshot ?? null,
    };

    const previous = await stores.streams.byId(header.id);
    if (previous) {
      if (previous.sender !== dept || previous.resource !== header.resource) {
        throw fail('FERRY_CONFLICT', `Envelope id ${header.id} was already used for another stream`);
      }
      await this.#audit(position, 'duplicate', previous.receipt.receipt.rows);
      return { receipt: previous.receipt, outcome: 'duplicate' };
    }

    const mine = (identity.encryption?.certificate ?? identity.certificate).fingerprint;
    if (!header.to.some((r) => r.kid === mine)) {
      throw fail(
        'FERRY_ENVELOPE_NOT_RECIPIENT',
        'The envelope is not addressed to this hub; add the hub encryption certificate (GET /v1/hub) to its recipients',
      );
    }
    if (!contentType) {
      throw fail(
        'FERRY_INVALID_ARGUMENT',
        `Envelopes sent to the hub carry ${CHANGES_CONTENT_TYPE}, not ${header.content.type}`,
        {
          field: 'content.type',
        },
      );
    }
    const resource = await this.#resource(header.resource);
    if (resource.providerCode !== dept) {
      throw fail('FERRY_FORBIDDEN', `Only the provider of ${header.resource} may send its data`);
    }
    if (resource.keyItems.length === 0) {
      throw fail(
        'FERRY_INVALID_ARGUMENT',
        `Resource ${header.resource} declares no key items, so changes cannot be applied to it`,
      );
    }

    const batch = this.#pool
      ? await this.#pool.openAndDecode(frame, resource.keyItems)
      : await openAndDecode(frame, { ...this.#verifyOptions, me: identity }, resource.keyItems);
    if (header.content.rows !== null && header.content.rows !== batch.count) {
      throw fail(
        'FERRY_ENVELOPE_MALFORMED',
        `The header announces ${header.content.rows} changes; ${batch.count} arrived`,
      );
    }
    await this.#gate.awaitTurn(position.sender, position.resource, position.epoch, position.seq);
    const applying = this.#apply(position, batch);
    // Units are applied in submission order, so the next envelope of the stream may queue behind this one now.
    this.#gate.advanced(position.sender, position.resource, {
      epoch: position.epoch,
      nextSeq: position.seq + 1,
    });
    try {
      return await applying;
    } catch (err) {
      this.#gate.forget(position.sender, position.resource);
      throw err;
    }
  }

  /** Starts the ingest workers (resolves when they take envelopes). */
  async start(): Promise<void> {
    try {
      await this.#pool?.start();
    } catch (cause) {
      await this.#pool?.close();
      throw new FerryError(
        'FERRY_INTERNAL',
        `The hub's ingest worker threads did not start (${(cause as Error)?.message ?? cause}); set envelopes.openWorkers to 0 to ingest on the main thread`,
        { cause },
      );
    }
  }

  /** Stops the ingest workers. */
  async close(): Promise<void> {
    await this.#pool?.close();
  }

  async #apply(position: Position, batch: PreparedBatch): Promise<IngestResult> {
    const { stores, identity, departmentCode } = this.ctx;
    let rejected: FerryError | undefined;
    const result = await this.#group
      .run(async (trx): Promise<IngestResult> => {
        // The lock orders ingests of one resource; the stream position is read under it, so this check is the one that counts.
        const locked = await stores.resources.lockForIngest(trx, position.resource, position.sender);
        if (!locked || locked.resource.publishedVersion === undefined) {
          throw fail('FERRY_NOT_FOUND', `Resource ${position.resource} is not published in the catalog`);
        }
        const { resource, stream: state } = locked;
        try {
          if (classifyPosition(state, position.epoch, position.seq) === 'duplicate') {
            const stored = await stores.streams.byPosition(
              position.sender,
              position.resource,
              position.epoch,
              position.seq,
              trx,
            );
            if (stored) return { receipt: stored.receipt, outcome: 'duplicate' };
            throw fail(
              'FERRY_CONFLICT',
              'This stream position was applied but its receipt is no longer kept',
            );
          }
        } catch (err) {
          if (isFerryError(err)) rejected = err;
          throw err;
        }
        const appliedAt = nowIso();
        const deleteKeys = await this.#write(trx, resource, position, batch, appliedAt);
        const receipt = signReceipt(
          {
            v: 1,
            envelopeId: position.envelopeId,
            sender: position.sender,
            resource: position.resource,
            epoch: position.epoch,
            seq: position.seq,
            rows: batch.count,
            status: 'applied',
            appliedAt,
            hub: departmentCode,
          },
          identity,
        );
        await recordApplied(trx, this.ctx.db.kind, stores, {
          resource,
          sender: position.sender,
          envelopeId: position.envelopeId,
          epoch: position.epoch,
          seq: position.seq,
          rows: batch.count,
          log: { count: batch.count, deflated: batch.deflated },
          streamExisted: state !== undefined,
          receipt,
          audit: auditEntry(position, 'ok', batch.count),
          appliedAt,
        });
        if (position.snapshot === 'end')
          await this.#dropStaleRows(trx, deleteKeys, resource, position, batch.count);
        return { receipt, outcome: 'applied' };
      })
      .catch(async (err: unknown): Promise<IngestResult> => {
        if (rejected !== undefined && rejected === err)
          await this.#audit(position, 'rejected', undefined, rejected.code);
        // The envelope id was recorded by a concurrent delivery at another position (only a sender that reuses
        // ids gets here): answer as for any known id.
        if (isUniqueViolation(err)) {
          const stored = await stores.streams.byId(position.envelopeId);
          if (stored && stored.sender === position.sender && stored.resource === position.resource) {
            return { receipt: stored.receipt, outcome: 'duplicate' };
          }
          throw fail(
            'FERRY_CONFLICT',
            `Envelope id ${position.envelopeId} was already used for another stream position`,
          );
        }
        throw err;
      });
    if (result.outcome === 'duplicate') await this.#audit(position, 'duplicate', result.receipt.receipt.rows);
    return result;
  }

  /**
   * Applies the batch's rows to the resource table. Returns how to delete more of the sender's keys in the same
   * transaction (the end of a resnapshot does).
   */
  async #write(
    trx: Knex.Transaction,
    resource: ResourceRow,
    position: Position,
    batch: PreparedBatch,
    appliedAt: string,
  ): Promise<DeleteKeys> {
    const { db } = this.ctx;
    const shape = { table: resource.table, keyColumns: resource.keyItems.map((k) => k.column) };
    const connection = await (
      trx as unknown as { client: { acquireConnection(): Promise<unknown> } }
    ).client.acquireConnection();
    const deleteKeys: DeleteKeys = (keys) =>
      db.dialect.deleteRows(connection, shape, { sender: position.sender, keys });
    if (batch.deletes.keys[0]!.length > 0) await deleteKeys(batch.deletes.keys);
    if (rowCount(batch.upserts.rows) > 0) {
      await db.dialect.upsertRows(connection, shape, {
        sender: position.sender,
        keys: batch.upserts.keys,
        rows: batch.upserts.rows,
        epoch: position.epoch,
        seq: position.seq,
        updatedAt: appliedAt,
      });
    }
    return deleteKeys;
  }

  /**
   * Ends a resnapshot: drops the sender's rows of older epochs, logging their deletes after the envelope's own
   * changes at the next gapless positions.
   */
  async #dropStaleRows(
    trx: Knex.Transaction,
    deleteKeys: DeleteKeys,
    resource: ResourceRow,
    position: Position,
    applied: number,
  ): Promise<void> {
    const { stores } = this.ctx;
    let logPosition = resource.logPosition + applied;
    const dropped = await dropRowsOfOlderEpochs(
      trx,
      resource,
      position.sender,
      position.epoch,
      deleteKeys,
      async (count, content) => {
        await stores.changeLog.append(trx, {
          resourceId: resource.id,
          first: logPosition + 1,
          last: logPosition + count,
          sender: position.sender,
          epoch: position.epoch,
          seq: position.seq,
          envelopeId: position.envelopeId,
          deflated: deflateForLog(content),
        });
        logPosition += count;
      },
    );
    if (dropped > 0) await stores.resources.setLogPosition(trx, resource.id, logPosition);
  }

  /**
   * What ingest needs of a resource before it decrypts: its key items, table and provider never change once
   * it is published, so they are kept; whether it is still published is checked again under the lock.
   */
  async #resource(code: string): Promise<ResourceRow> {
    const cached = this.#resources.get(code);
    if (cached) return cached;
    const resource = await this.ctx.stores.resources.get(code);
    if (!resource || resource.publishedVersion === undefined) {
      throw fail('FERRY_NOT_FOUND', `Resource ${code} is not published in the catalog`);
    }
    if (this.#resources.size >= 10_000) this.#resources.clear();
    this.#resources.set(code, resource);
    return resource;
  }

  async #audit(
    position: Position,
    outcome: AuditEntry['outcome'],
    rows?: number,
    code?: string,
  ): Promise<void> {
    await this.ctx.stores.audit.write({
      ...auditEntry(position, outcome, rows),
      ...(code ? { details: { code } } : {}),
    });
  }
}

function auditEntry(
  position: Position,
  outcome: AuditEntry['outcome'],
  rows: number | undefined,
): AuditEntry {
  return {
    actor: position.sender,
    action: 'ingest',
    outcome,
    resource: position.resource,
    envelopeId: position.envelopeId,
    epoch: position.epoch,
    seq: position.seq,
    ...(rows === undefined ? {} : { rows }),
  };
}

/** Certificate problems of the sender are authentication failures (401), not malformed input. */
async function senderChecked<T>(verify: () => Promise<T>): Promise<T> {
  try {
    return await verify();
  } catch (err) {
    if (isFerryError(err) && (err.code.startsWith('FERRY_CERT_') || err.code === 'FERRY_ENVELOPE_SENDER')) {
      throw new FerryError('FERRY_AUTH_INVALID', `The envelope sender is not acceptable: ${err.message}`, {
        cause: err,
        details: { reason: 'sender', senderError: err.code },
      });
    }
    throw err;
  }
}
