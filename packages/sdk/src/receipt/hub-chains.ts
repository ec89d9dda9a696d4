// Verified hub certificate chains, remembered per trust store so that a sender does not parse the hub's
// `x5c` (asn1js) and verify its chain again for every receipt: that was most of a receipt's verification
// cost. The same rules as the envelope's sender-chain cache (../envelope/sender-chains.ts):
// - Entries are keyed by the trust store's identity (WeakMap) and by SHA-256 over the receipt's x5c strings
//   and the department code asked for. A store whose certificates change (its revision) drops all entries.
// - Only successes are remembered; a failing chain is parsed and verified again next time, so failures
//   keep their exact errors.
// - An entry holds the validity window of the verified path ([latest notBefore, earliest notAfter] over
//   every certificate, root included); each hit re-checks it at the time asked for, and outside it the
//   chain is verified in full again (same error as without the cache).
// - The cached leaf is frozen before it is shared. Bounded: least recently used evicted first.
import { createHash } from 'node:crypto';
import type { Certificate } from '../pki/certificate.js';
import { TrustStore, trustStoreRevision } from '../pki/trust.js';
import { verifyCertificate } from '../pki/verify.js';

/** Entries per trust store: a sender talks to one hub, a hub has a few certificates over time. */
export const HUB_CHAIN_CACHE_SIZE = 16;

interface Entry {
  leaf: Certificate;
  notBefore: number;
  notAfter: number;
}

interface StoreCache {
  revision: number;
  entries: Map<string, Entry>;
}

const CACHES = new WeakMap<TrustStore, StoreCache>();

/** The cache key of a receipt's x5c for a department code. */
export function hubChainKey(x5c: readonly string[], departmentCode: string): string {
  const hash = createHash('sha256').update(departmentCode).update('\0');
  for (const b64 of x5c) hash.update(b64).update('\0');
  return hash.digest('base64');
}

function storeCache(trust: TrustStore): StoreCache | undefined {
  if (!(trust instanceof TrustStore)) return undefined;
  const revision = trustStoreRevision(trust);
  let cache = CACHES.get(trust);
  if (!cache || cache.revision !== revision) {
    cache = { revision, entries: new Map() };
    CACHES.set(trust, cache);
  }
  return cache;
}

/** The leaf of a chain verified earlier under `key`, when its whole path is still valid at `at`. */
export function cachedHubLeaf(trust: TrustStore, key: string, at: number): Certificate | undefined {
  const cache = storeCache(trust);
  const entry = cache?.entries.get(key);
  if (!cache || !entry) return undefined;
  cache.entries.delete(key);
  if (!(at >= entry.notBefore && at <= entry.notAfter)) return undefined;
  cache.entries.set(key, entry); // most recently used last
  return entry.leaf;
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
  const cache = storeCache(options.trust);
  if (!cache) return;
  Object.freeze(leaf);
  Object.freeze(leaf.publicKey);
  let notBefore = Number.NEGATIVE_INFINITY;
  let notAfter = Number.POSITIVE_INFINITY;
  for (const cert of path) {
    notBefore = Math.max(notBefore, cert.notBefore.getTime());
    notAfter = Math.min(notAfter, cert.notAfter.getTime());
  }
  cache.entries.delete(key);
  cache.entries.set(key, { leaf, notBefore, notAfter });
  while (cache.entries.size > HUB_CHAIN_CACHE_SIZE) cache.entries.delete(cache.entries.keys().next().value!);
}
