import { type CanonicalValue, canonicalJson } from '../envelope/canonical-json.js';
import { FerryError } from '../errors/index.js';
import type { Identity } from '../pki/identity.js';
import { signBytes } from '../pki/signature.js';
import { RECEIPT_CONTEXT, type Receipt, receiptSchema, type SignedReceipt } from './receipt.js';

/** @internal The bytes a receipt signature covers: the context string, then the receipt's canonical JSON. */
export function receiptSigningInput(receipt: Receipt): Buffer {
  return Buffer.concat([
    RECEIPT_CONTEXT,
    Buffer.from(canonicalJson(receipt as unknown as CanonicalValue), 'utf8'),
  ]);
}

/**
 * Signs a receipt with the hub's identity (RSA-PSS-SHA256, ECDSA-P256-SHA256 or SM2-SM3, by key) and attaches
 * its certificate chain. `receipt.hub` must be the department code of the hub's certificate.
 *
 * @example
 * ```ts
 * const signed = signReceipt(
 *   { v: 1, envelopeId: header.id, sender: 'GA001', resource: '101001/000001', epoch: 1, seq: 7,
 *     rows: 1000, status: 'applied', appliedAt: new Date().toISOString(), hub: 'HUB01' },
 *   hubIdentity,
 * );
 * ```
 */
export function signReceipt(receipt: Receipt, hubIdentity: Identity): SignedReceipt {
  const parsed = receiptSchema.safeParse(receipt);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new FerryError('FERRY_INVALID_ARGUMENT', `The receipt is not valid at "${field}"`, {
      location: { field },
    });
  }
  if (!hubIdentity?.certificate || !hubIdentity.privateKey) {
    throw new FerryError(
      'FERRY_INVALID_ARGUMENT',
      'signReceipt needs the hub identity (certificate and privateKey)',
    );
  }
  if (hubIdentity.certificate.departmentCode !== receipt.hub) {
    throw new FerryError(
      'FERRY_CERT_SUBJECT',
      'receipt.hub must be the department code of the hub certificate',
      {
        details: { hub: receipt.hub, certificate: hubIdentity.certificate.departmentCode ?? null },
      },
    );
  }
  const signature = signBytes(hubIdentity.privateKey, receiptSigningInput(parsed.data as Receipt));
  return {
    receipt: parsed.data as Receipt,
    signature: Buffer.from(signature).toString('base64'),
    x5c: [hubIdentity.certificate, ...(hubIdentity.chain ?? [])].map((c) =>
      Buffer.from(c.der).toString('base64'),
    ),
  };
}
