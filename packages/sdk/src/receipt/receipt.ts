// The hub's acknowledgement of an envelope: what was applied, where in the stream, and when.
import { z } from 'zod';

/**
 * A receipt (回执): the hub's statement that it applied the changes of one envelope.
 * - `applied`: the changes of `envelopeId` were applied at `appliedAt`.
 * - `duplicate`: reserved for a hub that acknowledges a repeated stream position under a new envelope id;
 *   the reference hub answers repeats with the stored `applied` receipt instead (see docs/protocol/receipt.md).
 */
export interface Receipt {
  v: 1;
  /** The envelope id (32 lowercase hex) this receipt acknowledges. */
  envelopeId: string;
  /** Sender department code. */
  sender: string;
  /** Catalog resource code (信息资源代码). */
  resource: string;
  /** Stream epoch of the envelope. */
  epoch: number;
  /** Stream sequence number of the envelope. */
  seq: number;
  /** Number of changes applied. */
  rows: number;
  status: 'applied' | 'duplicate';
  /** When the hub applied the changes (ISO 8601, UTC). */
  appliedAt: string;
  /** The hub's department code; its signing certificate must carry it. */
  hub: string;
}

/** A receipt with the hub's signature and certificate chain (leaf first, base64 DER). */
export interface SignedReceipt {
  receipt: Receipt;
  /** Base64 signature over `FERRY-RECEIPT-V1\0` ‖ RFC 8785 canonical JSON of `receipt`. */
  signature: string;
  /** The hub's signing certificate, then intermediates, base64 DER. */
  x5c: string[];
}

/** Domain separation for receipt signatures, so no other Ferry signature can pass for one. */
export const RECEIPT_CONTEXT = Buffer.from('FERRY-RECEIPT-V1\0', 'ascii');

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/);

/** @internal The shape of a receipt; unknown keys are refused because they would not be signed as sent. */
export const receiptSchema = z.strictObject({
  v: z.literal(1),
  envelopeId: z.string().regex(/^[0-9a-f]{32}$/),
  sender: z.string().min(1).max(64),
  resource: z.string().min(1).max(128),
  epoch: count,
  seq: count,
  rows: count,
  status: z.enum(['applied', 'duplicate']),
  appliedAt: z.iso.datetime(),
  hub: z.string().min(1).max(64),
});

/** @internal */
export const signedReceiptSchema = z.strictObject({
  receipt: receiptSchema,
  signature: base64.max(2048),
  x5c: z.array(base64).min(1).max(8),
});
