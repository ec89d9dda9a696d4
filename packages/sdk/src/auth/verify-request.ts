import { FerryError, isFerryError } from '../errors/index.js';
import { Certificate } from '../pki/certificate.js';
import { verifyBytes } from '../pki/signature.js';
import { TrustStore } from '../pki/trust.js';
import { verifyCertificate } from '../pki/verify.js';
import { canonicalRequest } from './canonical-request.js';
import { CERT_HEADER, DATE_HEADER, DEPT_HEADER, NONCE_HEADER, SIGNATURE_HEADER } from './headers.js';
import type { NonceStore } from './nonce-store.js';

/** A received request, as the server saw it. */
export interface ReceivedRequest {
  /** HTTP method. */
  method: string;
  /** Request target exactly as received (path and query, percent-encoding untouched), e.g. Node's `req.url`. */
  path: string;
  /** Request headers; names are matched case-insensitively (Node's `req.headers` works as is). */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body bytes as received (empty for none). */
  body: Uint8Array;
}

/** Options of {@link verifyRequestSignature}. */
export interface VerifyRequestOptions {
  /**
   * Finds the registered certificate of a department by its SHA-256 fingerprint. Return `undefined` for an
   * unknown department or certificate: only registered certificates authenticate.
   */
  resolveCertificate(
    departmentCode: string,
    fingerprint: string,
  ): Certificate | undefined | Promise<Certificate | undefined>;
  /** The platform CA(s) the certificate must chain to. */
  trust: TrustStore;
  /** Clock for the date window and certificate validity. Default: now. */
  now?: Date;
  /** Largest allowed difference between the request date and `now`, either way. Default 300 000 (5 minutes). */
  maxSkewMs?: number;
  /** Where used nonces are remembered; a nonce seen twice is a replay. */
  nonces: NonceStore;
}

/** Who signed a request. */
export interface AuthenticatedCaller {
  /** The department code of the caller, as its certificate carries it. */
  departmentCode: string;
  /** The certificate that verified the signature. */
  certificate: Certificate;
}

const DEPT_PATTERN = /^[\x21-\x7e]{1,64}$/;
const FINGERPRINT_PATTERN = /^[0-9a-f]{64}$/;
const DATE_PATTERN = /^\d{1,15}$/;
const NONCE_PATTERN = /^[0-9a-f]{32}$/;
const SIGNATURE_PATTERN = /^[A-Za-z0-9+/]{16,2048}={0,2}$/;

/**
 * Verifies a request signed with {@link signRequest} and returns who signed it. Checks, in order: all five
 * `x-ferry-*` headers are present (`FERRY_AUTH_REQUIRED` when any is missing) and well formed, the date is
 * within `maxSkewMs` of now, the certificate is registered for the claimed department (`resolveCertificate`),
 * chains to `trust`, is valid now, allows `digitalSignature` and carries the claimed department code, the
 * signature verifies over the canonical request, and the nonce was not used before. Every failure after the
 * first check is `FERRY_AUTH_INVALID`; `details.reason` tells an operator which check failed.
 *
 * The nonce is recorded only once the signature verified, so forged requests cannot use up nonces.
 *
 * @example
 * ```ts
 * const nonces = new MemoryNonceStore();
 * const caller = await verifyRequestSignature(
 *   { method: req.method, path: req.url, headers: req.headers, body: rawBody },
 *   { trust, nonces, resolveCertificate: (dept, fp) => registry.certificate(dept, fp) },
 * );
 * console.log(`request from ${caller.departmentCode}`);
 * ```
 */
export async function verifyRequestSignature(
  request: ReceivedRequest,
  options: VerifyRequestOptions,
): Promise<AuthenticatedCaller> {
  if (
    !options ||
    !(options.trust instanceof TrustStore) ||
    typeof options.resolveCertificate !== 'function' ||
    !options.nonces
  ) {
    throw new FerryError(
      'FERRY_INVALID_ARGUMENT',
      'verifyRequestSignature needs options.trust, options.resolveCertificate and options.nonces',
    );
  }
  if (
    !request ||
    typeof request.method !== 'string' ||
    typeof request.path !== 'string' ||
    !(request.body instanceof Uint8Array)
  ) {
    throw new FerryError(
      'FERRY_INVALID_ARGUMENT',
      'verifyRequestSignature needs { method, path, headers, body: Uint8Array }',
    );
  }
  const headers = lowerCaseHeaders(request.headers ?? {});
  const missing = [DEPT_HEADER, CERT_HEADER, DATE_HEADER, NONCE_HEADER, SIGNATURE_HEADER].filter(
    (h) => headers[h] === undefined,
  );
  if (missing.length > 0) {
    throw new FerryError('FERRY_AUTH_REQUIRED', `The request is not signed: missing ${missing.join(', ')}`, {
      details: { missing },
    });
  }
  const dept = single(headers, DEPT_HEADER, DEPT_PATTERN);
  const fingerprint = single(headers, CERT_HEADER, FINGERPRINT_PATTERN);
  const date = single(headers, DATE_HEADER, DATE_PATTERN);
  const nonce = single(headers, NONCE_HEADER, NONCE_PATTERN);
  const signature = single(headers, SIGNATURE_HEADER, SIGNATURE_PATTERN);
  if (/[\r\n]/.test(request.path) || !request.path.startsWith('/') || !/^[A-Za-z]+$/.test(request.method)) {
    throw invalid('request', 'The request method or path cannot be signed');
  }

  const now = options.now ?? new Date();
  const maxSkew = options.maxSkewMs ?? 300_000;
  const signedAt = Number(date);
  if (Math.abs(now.getTime() - signedAt) > maxSkew) {
    throw invalid(
      'date',
      `The request date is more than ${Math.round(maxSkew / 1000)} s away from the server clock`,
      {
        serverTime: now.getTime(),
      },
    );
  }

  const certificate = await options.resolveCertificate(dept, fingerprint);
  if (!(certificate instanceof Certificate) || certificate.fingerprint !== fingerprint) {
    throw invalid('certificate-unknown', 'The signing certificate is not registered for this department');
  }
  try {
    verifyCertificate(certificate, {
      trust: options.trust,
      at: now,
      usage: 'digitalSignature',
      departmentCode: dept,
    });
  } catch (cause) {
    if (!isFerryError(cause)) throw cause;
    throw invalid(
      'certificate',
      `The signing certificate is not acceptable: ${cause.message}`,
      { certificateError: cause.code },
      cause,
    );
  }

  const message = canonicalRequest({
    method: request.method,
    path: request.path,
    date,
    nonce,
    dept,
    body: request.body,
  });
  if (!verifyBytes(certificate.publicKey, message, Buffer.from(signature, 'base64'))) {
    throw invalid('signature', 'The request signature does not verify');
  }
  if (!(await options.nonces.claim(dept, nonce, signedAt + maxSkew))) {
    throw invalid('nonce', 'The request nonce was already used (a replayed request)');
  }
  return { departmentCode: dept, certificate };
}

function lowerCaseHeaders(headers: ReceivedRequest['headers']): ReceivedRequest['headers'] {
  const out: ReceivedRequest['headers'] = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}

function single(headers: ReceivedRequest['headers'], name: string, pattern: RegExp): string {
  const value = headers[name];
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw invalid('header', `The ${name} header is not well formed`, { header: name });
  }
  return value;
}

function invalid(
  reason: string,
  message: string,
  details: Record<string, unknown> = {},
  cause?: unknown,
): FerryError {
  return new FerryError('FERRY_AUTH_INVALID', message, {
    details: { reason, ...details },
    ...(cause === undefined ? {} : { cause }),
  });
}
