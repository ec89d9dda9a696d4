// Seals encoded change batches for the outbox: to the hub, and to any other recipient the caller names.
import { randomBytes } from 'node:crypto';
import type { SuiteName } from '../envelope/header.js';
import { seal } from '../envelope/seal.js';
import type { Certificate } from '../pki/certificate.js';
import type { Identity } from '../pki/identity.js';
import { changesContentType, type SnapshotPhase } from './content-type.js';

/** Who seals and for whom. */
export interface BatchSealerOptions {
  identity: Identity;
  /** The hub's encryption certificate, then any other recipients. */
  recipients: readonly Certificate[];
  suite?: SuiteName;
  /**
   * zlib level of the envelopes' deflate compression. Default 1: about half the sender CPU of zlib's default
   * (6) for envelopes some 5% larger, on a sender that shares its machine with the business system.
   */
  compressionLevel?: number;
}

/** Returns a function that seals encoded changes at an outbox position. */
export function batchSealer(options: BatchSealerOptions) {
  return async (
    resource: string,
    content: Uint8Array,
    rows: number,
    position: { epoch: number; seq: number },
    snapshot?: SnapshotPhase | null,
  ): Promise<{ frame: Uint8Array; envelopeId: string; rows: number }> => {
    // The id is chosen here (as seal would: 128 random bits) so the frame need not be parsed to learn it.
    const envelopeId = randomBytes(16).toString('hex');
    const frame = await seal({
      id: envelopeId,
      from: options.identity,
      to: options.recipients,
      resource,
      stream: position,
      bytes: content,
      contentType: changesContentType(snapshot),
      compressionLevel: options.compressionLevel ?? 1,
      ...(options.suite ? { suite: options.suite } : {}),
    });
    return { frame, envelopeId, rows };
  };
}

export type BatchSealer = ReturnType<typeof batchSealer>;
