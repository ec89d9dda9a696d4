import { FerryError, isFerryError } from '../errors/index.js';
import { Certificate } from '../pki/certificate.js';
import { verifyBytes } from '../pki/signature.js';
import { TrustStore } from '../pki/trust.js';
import { cachedHubLeaf, hubChainKey, verifyHubChain } from './hub-chains.js';
import type { Receipt } from './receipt.js';
import { signedReceiptSchema } from './receipt.js';
import { receiptSigningInput } from './sign-receipt.js';

/** Options of {@link verifyReceipt}. */
export interface VerifyReceiptOptions {
  /** The platform CA(s) the hub certificate must chain to. */
  trust: TrustStore;
  /** When given, the receipt must come from the hub with this department code. */
  hub?: string;
  /** When given, the receipt must acknowledge this envelope id. */
  envelopeId?: string;
  /**
   * Time at which the hub certificate must be valid. Default: now. Pass the receipt's `appliedAt` to check an
   * archived receipt whose hub certificate has since expired.
   */
  at?: Date;
}

/**
 * Verifies a signed receipt and returns the receipt. Checks its shape, the hub certificate (chains to
 * `trust`, valid at `at`, allows `digitalSignature`, carries `receipt.hub`), the signature over the
 * canonical receipt, and the expected `hub` and `envelopeId` when given. Every failure is
 * `FERRY_RECEIPT_INVALID`, with `details.reason` saying which check failed.
 *
 * @example
 * ```ts
 * const res = await fetch(`${hubUrl}/v1/envelopes`, { method: 'POST', headers: { 'content-type': 'application/vnd.ferry.envelope' }, body: frame });
 * const receipt = verifyReceipt(await res.json(), { trust, hub: 'HUB01', envelopeId: inspectEnvelope(frame).header.id });
 * console.log(receipt.status, receipt.rows);
 * ```
 */
export function verifyReceipt(signed: unknown, options: VerifyReceiptOptions): Receipt {
  if (!options || !(options.trust instanceof TrustStore)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'verifyReceipt needs options.trust (a TrustStore)');
  }
  const parsed = signedReceiptSchema.safeParse(signed);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') ?? '';
    throw invalid('shape', `The receipt is not well formed at "${field}"`, { field });
  }
  const { receipt, signature, x5c } = parsed.data as { receipt: Receipt; signature: string; x5c: string[] };
  const at = options.at ?? new Date();
  // A chain verified before against this trust store for this hub, still valid at `at`, is not parsed and
  // verified again (see hub-chains.ts).
  const key = hubChainKey(x5c, receipt.hub);
  let leaf = cachedHubLeaf(options.trust, key, at instanceof Date ? at.getTime() : Number.NaN);
  if (!leaf) {
    let certs: Certificate[];
    try {
      certs = x5c.map((b64) => Certificate.parse(Buffer.from(b64, 'base64')));
    } catch (cause) {
      throw invalid('certificate', 'The receipt certificate chain cannot be parsed', {}, cause);
    }
    const [first, ...intermediates] = certs as [Certificate, ...Certificate[]];
    try {
      verifyHubChain(key, first, intermediates, { trust: options.trust, at, departmentCode: receipt.hub });
    } catch (cause) {
      if (!isFerryError(cause)) throw cause;
      throw invalid(
        'certificate',
        `The receipt's hub certificate is not acceptable: ${cause.message}`,
        { certificateError: cause.code },
        cause,
      );
    }
    leaf = first;
  }
  if (!verifyBytes(leaf.publicKey, receiptSigningInput(receipt), Buffer.from(signature, 'base64'))) {
    throw invalid('signature', 'The receipt signature does not verify');
  }
  if (options.hub !== undefined && receipt.hub !== options.hub) {
    throw invalid('hub', `The receipt comes from hub ${receipt.hub}, not ${options.hub}`);
  }
  if (options.envelopeId !== undefined && receipt.envelopeId !== options.envelopeId) {
    throw invalid(
      'envelope',
      `The receipt acknowledges envelope ${receipt.envelopeId}, not ${options.envelopeId}`,
    );
  }
  return receipt;
}

function invalid(
  reason: string,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): FerryError {
  return new FerryError('FERRY_RECEIPT_INVALID', message, {
    details: { reason, ...details },
    ...(cause === undefined ? {} : { cause }),
  });
}
