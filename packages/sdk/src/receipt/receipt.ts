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

const RECEIPT_KEYS = [
  'v',
  'envelopeId',
  'sender',
  'resource',
  'epoch',
  'seq',
  'rows',
  'status',
  'appliedAt',
  'hub',
] as const;
const ENVELOPE_ID = /^[0-9a-f]{32}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isText = (v: unknown, max: number) => typeof v === 'string' && v.length >= 1 && v.length <= max;
const hasExactly = (o: object, keys: readonly string[]) => {
  const own = Object.keys(o);
  return own.length === keys.length && keys.every((k) => Object.hasOwn(o, k));
};

/**
 * @internal A fast check that `value` is what {@link signedReceiptSchema} accepts, for the receipts a hub
 * actually sends (`appliedAt` as `Date.prototype.toISOString` writes it). True only for values the schema
 * accepts too; false says nothing (the caller then parses with the schema, which gives the error).
 */
export function isPlainSignedReceipt(value: unknown): value is SignedReceipt {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (!hasExactly(value, ['receipt', 'signature', 'x5c'])) return false;
  const { receipt: r, signature, x5c } = value as Record<string, unknown>;
  if (typeof signature !== 'string' || signature.length > 2048 || !BASE64.test(signature)) return false;
  if (!Array.isArray(x5c) || x5c.length < 1 || x5c.length > 8) return false;
  if (!x5c.every((c) => typeof c === 'string' && BASE64.test(c))) return false;
  if (typeof r !== 'object' || r === null || Array.isArray(r) || !hasExactly(r, RECEIPT_KEYS)) return false;
  const o = r as Record<string, unknown>;
  if (o.v !== 1 || typeof o.envelopeId !== 'string' || !ENVELOPE_ID.test(o.envelopeId)) return false;
  if (!isText(o.sender, 64) || !isText(o.resource, 128) || !isText(o.hub, 64)) return false;
  if (!isCount(o.epoch) || !isCount(o.seq) || !isCount(o.rows)) return false;
  if (o.status !== 'applied' && o.status !== 'duplicate') return false;
  if (typeof o.appliedAt !== 'string' || o.appliedAt.length !== 24) return false;
  const at = Date.parse(o.appliedAt);
  return !Number.isNaN(at) && new Date(at).toISOString() === o.appliedAt;
}
