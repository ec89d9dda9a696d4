// Verified sender certificate chains, remembered per trust store so that a receiver does not parse the same
// `from.x5c` and verify the same chain for every envelope of the same sender (that was most of the cost of
// opening a small envelope).
//
// The rules of the cache are those of ../pki/verified-paths.ts; here entries are keyed by SHA-256 over the DER
// bytes of every x5c certificate (each prefixed with its length), and a hit also checks the required key usage.
// Certificates parsed from the header are frozen before they are shared between envelopes, so a caller that
// receives `sender.certificate` cannot alter what later envelopes are checked against; callers get their own
// copy of the `chain` array. At most SENDER_CHAIN_CACHE_SIZE entries per store.
import { createHash } from 'node:crypto';
import type { Certificate, KeyUsage } from '../pki/certificate.js';
import type { TrustStore } from '../pki/trust.js';
import { freezeCertificates, type PathWindow, pathWindow, VerifiedPaths } from '../pki/verified-paths.js';
import { verifyCertificate } from '../pki/verify.js';

/** Entries per trust store: a few hundred departments send to one receiver. */
export const SENDER_CHAIN_CACHE_SIZE = 256;

interface Entry extends PathWindow {
  leaf: Certificate;
  chain: readonly Certificate[];
  usage: KeyUsage;
}

const CACHE = new VerifiedPaths<Entry>(SENDER_CHAIN_CACHE_SIZE);

/** The decoded x5c of a header and the cache key derived from it. */
export interface SenderChainInput {
  ders: Buffer[];
  key: string;
}

export function senderChainInput(x5c: readonly string[]): SenderChainInput {
  const hash = createHash('sha256');
  const length = Buffer.allocUnsafe(4);
  const ders = x5c.map((b64) => {
    const der = Buffer.from(b64, 'base64');
    length.writeUInt32BE(der.length, 0);
    hash.update(length).update(der);
    return der;
  });
  return { ders, key: hash.digest('base64') };
}

/**
 * A chain verified earlier against `trust` for `usage`, when every certificate of its path is still valid at
 * `now`; otherwise undefined (and a stale entry is dropped).
 */
export function cachedSenderChain(
  trust: TrustStore,
  key: string,
  now: number,
  usage: KeyUsage,
): { leaf: Certificate; chain: Certificate[] } | undefined {
  const entry = CACHE.get(trust, key, now, (e) => e.usage === usage && e.leaf.keyUsage.includes(usage));
  return entry ? { leaf: entry.leaf, chain: [...entry.chain] } : undefined;
}

/**
 * Verifies `leaf` (parsed from the header, with `intermediates`) exactly as `verifyCertificate` does, and
 * remembers the path when it verifies. Throws what `verifyCertificate` throws.
 */
export function verifySenderChain(
  key: string,
  leaf: Certificate,
  intermediates: Certificate[],
  options: { trust: TrustStore; at: Date; usage: KeyUsage },
): Certificate[] {
  const chain = verifyCertificate(leaf, {
    trust: options.trust,
    intermediates,
    at: options.at,
    usage: options.usage,
  });
  freezeCertificates([leaf, ...intermediates]);
  CACHE.set(options.trust, key, {
    leaf,
    chain: Object.freeze([...chain]),
    usage: options.usage,
    ...pathWindow(chain),
  });
  return chain;
}
