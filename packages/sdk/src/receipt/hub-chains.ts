// Verified hub certificate chains, remembered per trust store so that a sender does not parse the hub's
// `x5c` (asn1js) and verify its chain again for every receipt: that was most of a receipt's verification
// cost. The rules of the cache are those of ../pki/verified-paths.ts; entries are keyed by SHA-256 over the
// receipt's x5c strings and the department code asked for, and the cached leaf is frozen before it is shared.
import { createHash } from 'node:crypto';
import type { Certificate } from '../pki/certificate.js';
import type { TrustStore } from '../pki/trust.js';
import { freezeCertificates, type PathWindow, pathWindow, VerifiedPaths } from '../pki/verified-paths.js';
import { verifyCertificate } from '../pki/verify.js';

/** Entries per trust store: a sender talks to one hub, a hub has a few certificates over time. */
export const HUB_CHAIN_CACHE_SIZE = 16;

const CACHE = new VerifiedPaths<PathWindow & { leaf: Certificate }>(HUB_CHAIN_CACHE_SIZE);

/** The cache key of a receipt's x5c for a department code. */
export function hubChainKey(x5c: readonly string[], departmentCode: string): string {
  const hash = createHash('sha256').update(departmentCode).update('\0');
  for (const b64 of x5c) hash.update(b64).update('\0');
  return hash.digest('base64');
}

/** The leaf of a chain verified earlier under `key`, when its whole path is still valid at `at`. */
export function cachedHubLeaf(trust: TrustStore, key: string, at: number): Certificate | undefined {
  return CACHE.get(trust, key, at)?.leaf;
}

/**
 * Verifies the hub's leaf as `verifyCertificate` does (digitalSignature, the department code) and remembers
 * the path under `key` when it verifies. Throws what `verifyCertificate` throws.
 */
export function verifyHubChain(
  key: string,
  leaf: Certificate,
  intermediates: Certificate[],
  options: { trust: TrustStore; at: Date; departmentCode: string },
): void {
  const path = verifyCertificate(leaf, {
    trust: options.trust,
    intermediates,
    at: options.at,
    usage: 'digitalSignature',
    departmentCode: options.departmentCode,
  });
  freezeCertificates([leaf]);
  CACHE.set(options.trust, key, { leaf, ...pathWindow(path) });
}
