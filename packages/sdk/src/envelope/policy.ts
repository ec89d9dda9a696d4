// The receiver-side checks that need no decryption: suite policy, freshness and the sender's certificate.
import { FerryError, isFerryError } from '../errors/index.js';
import { Certificate } from '../pki/certificate.js';
import type { TrustStore } from '../pki/trust.js';
import { DEFAULT_MAX_AGE_MS, DEFAULT_MAX_FUTURE_SKEW_MS } from './constants.js';
import type { EnvelopeHeader, SuiteName } from './header.js';
import { cachedSenderChain, senderChainInput, verifySenderChain } from './sender-chains.js';
import type { Suite } from './suites/index.js';

/** Options for verifying an envelope without decrypting it (what a relay or the hub's edge does). */
export interface VerifyOptions {
  /** The platform CA(s) that department certificates must chain to. */
  trust: TrustStore;
  /** Clock for freshness and certificate validity. Default: now. */
  now?: Date;
  /** Oldest acceptable issued-at, as an age. Default 7 days (envelopes wait in outboxes during outages). */
  maxAgeMs?: number;
  /** How far in the future issued-at may be. Default 5 minutes. */
  maxFutureSkewMs?: number;
  /** Suites this receiver accepts. Default both. */
  allowedSuites?: readonly SuiteName[];
  /** A suite a sender must use (e.g. GM for departments that have moved to it); anything else is a downgrade. */
  requireSuite?: SuiteName | ((senderDept: string) => SuiteName | undefined);
  /** When set, the envelope must come from this department code. */
  expectedSender?: string;
  /** Refuse frames larger than this many bytes. Default 256 MiB (buffered open) or unlimited (streaming). */
  maxFrameBytes?: number;
}

/** The authenticated sender of an envelope. */
export interface EnvelopeSender {
  departmentCode: string;
  certificate: Certificate;
  chain: Certificate[];
}

export function checkPolicy(header: EnvelopeHeader, suite: Suite, options: VerifyOptions): EnvelopeSender {
  const allowed = options.allowedSuites ?? ['INTL', 'GM'];
  if (!allowed.includes(suite.name)) {
    throw new FerryError('FERRY_ENVELOPE_SUITE', `This receiver does not accept the ${suite.name} suite`);
  }
  if (header.suite !== suite.name) {
    throw new FerryError('FERRY_ENVELOPE_MALFORMED', 'The frame suite byte and the header suite disagree');
  }
  const required =
    typeof options.requireSuite === 'function'
      ? options.requireSuite(header.from.dept)
      : options.requireSuite;
  if (required && required !== suite.name) {
    throw new FerryError(
      'FERRY_ENVELOPE_DOWNGRADE',
      `Department ${header.from.dept} must send with the ${required} suite, not ${suite.name}`,
    );
  }
  const now = (options.now ?? new Date()).getTime();
  const maxAge = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const skew = options.maxFutureSkewMs ?? DEFAULT_MAX_FUTURE_SKEW_MS;
  if (header.iat > now + skew || header.iat < now - maxAge) {
    throw new FerryError('FERRY_ENVELOPE_STALE', 'The envelope was issued outside the freshness window', {
      details: { issuedAt: new Date(header.iat).toISOString() },
    });
  }
  if (options.expectedSender !== undefined && header.from.dept !== options.expectedSender) {
    throw new FerryError('FERRY_ENVELOPE_SENDER', `Expected an envelope from ${options.expectedSender}`);
  }
  // A chain verified for an earlier envelope is not parsed and verified again (see sender-chains.ts); a
  // cached entry is only used while every certificate of its path is valid at `now`.
  const input = senderChainInput(header.from.x5c);
  const cached = cachedSenderChain(options.trust, input.key, now, 'digitalSignature');
  let leaf: Certificate;
  let intermediates: Certificate[] = [];
  if (cached) leaf = cached.leaf;
  else {
    let certs: Certificate[];
    try {
      certs = input.ders.map((der) => Certificate.parse(der));
    } catch (cause) {
      if (isFerryError(cause))
        throw new FerryError('FERRY_ENVELOPE_MALFORMED', 'The sender certificate chain is not valid', {
          cause,
        });
      throw cause;
    }
    [leaf, ...intermediates] = certs as [Certificate, ...Certificate[]];
  }
  if (!suite.keyAlgorithms.includes(leaf.publicKey.algorithm)) {
    throw new FerryError(
      'FERRY_ENVELOPE_SUITE',
      `A ${leaf.publicKey.algorithm} sender certificate cannot sign ${suite.name} envelopes`,
    );
  }
  if (header.sig !== suite.signatureAlgorithm(leaf.publicKey.algorithm)) {
    throw new FerryError(
      'FERRY_ENVELOPE_SUITE',
      `Signature algorithm ${header.sig} does not fit the sender certificate`,
    );
  }
  const chain =
    cached?.chain ??
    verifySenderChain(input.key, leaf, intermediates, {
      trust: options.trust,
      at: new Date(now),
      usage: 'digitalSignature',
    });
  if (leaf.departmentCode !== header.from.dept) {
    throw new FerryError(
      'FERRY_ENVELOPE_SENDER',
      'The envelope sender does not match its signing certificate',
    );
  }
  return { departmentCode: header.from.dept, certificate: leaf, chain };
}
