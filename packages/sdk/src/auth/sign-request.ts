import { randomBytes } from 'node:crypto';
import { FerryError } from '../errors/index.js';
import type { Identity } from '../pki/identity.js';
import { signBytes } from '../pki/signature.js';
import { canonicalRequest } from './canonical-request.js';
import type { SignedRequestHeaders } from './headers.js';

/** The request to sign: exactly what will be sent. */
export interface RequestToSign {
  /** HTTP method, e.g. `GET` or `POST`. */
  method: string;
  /** Request target as sent: path and query string, already percent-encoded, e.g. `/v1/resources/101001%2F000001/changes?after=0`. */
  path: string;
  /** The exact body bytes that will be sent; empty for a request without a body. */
  body: Uint8Array;
  /** Signing time. Default: now. */
  now?: Date;
}

/**
 * Signs an HTTP request to the Ferry hub as the department of `identity` and returns the five
 * `x-ferry-*` headers to send with it (see docs/protocol/request-signing.md). The signature is made with the
 * identity's signing key (RSA-PSS-SHA256, ECDSA-P256-SHA256 or SM2-SM3, as for envelopes) over the
 * method, path with query, date, a fresh nonce, the department code and the SHA-256 of the body.
 *
 * Throws `FERRY_INVALID_ARGUMENT` for a bad request description and `FERRY_CERT_SUBJECT` when the
 * certificate carries no department code.
 *
 * @example
 * ```ts
 * const body = Buffer.from(JSON.stringify({ resource: '101001/000001', purpose: '身份核验', basis: '…' }));
 * const headers = signRequest(me, { method: 'POST', path: '/v1/applications', body });
 * await fetch(`${hubUrl}/v1/applications`, {
 *   method: 'POST',
 *   headers: { ...headers, 'content-type': 'application/json' },
 *   body,
 * });
 * ```
 */
export function signRequest(identity: Identity, request: RequestToSign): SignedRequestHeaders {
  if (!identity?.certificate || !identity.privateKey) {
    throw new FerryError(
      'FERRY_INVALID_ARGUMENT',
      'signRequest needs an identity with certificate and privateKey',
    );
  }
  const { method, path, body } = request ?? {};
  if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) {
    throw new FerryError(
      'FERRY_INVALID_ARGUMENT',
      'request.method must be an HTTP method such as GET or POST',
    );
  }
  if (typeof path !== 'string' || !path.startsWith('/') || /[\r\n]/.test(path)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'request.path must start with "/" and hold no line break');
  }
  if (!(body instanceof Uint8Array)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'request.body must be a Uint8Array (empty for no body)');
  }
  const dept = identity.certificate.departmentCode;
  if (!dept) {
    throw new FerryError(
      'FERRY_CERT_SUBJECT',
      'The signing certificate carries no department code (organizationIdentifier)',
    );
  }
  const at = request.now ?? new Date();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'request.now must be a valid Date');
  }
  const date = String(at.getTime());
  const nonce = randomBytes(16).toString('hex');
  const signature = signBytes(
    identity.privateKey,
    canonicalRequest({ method, path, date, nonce, dept, body }),
  );
  return {
    'x-ferry-dept': dept,
    'x-ferry-cert': identity.certificate.fingerprint,
    'x-ferry-date': date,
    'x-ferry-nonce': nonce,
    'x-ferry-signature': Buffer.from(signature).toString('base64'),
  };
}
