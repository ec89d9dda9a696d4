// Verified sender certificate chains, remembered per trust store so that a receiver does not parse the same
// `from.x5c` and verify the same chain for every envelope of the same sender (that was most of the cost of
// opening a small envelope).
//
// Correctness rules:
// - Entries are keyed by the trust store's identity (WeakMap), and by SHA-256 over the DER bytes of every
//   x5c certificate (each prefixed with its length). A store that gains intermediates (its revision changes)
//   drops all its entries; a new store starts empty.
// - Only successes are remembered, never a failure; a failing chain is parsed and verified again next time.
// - An entry holds the validity window of the path it verified: [latest notBefore, earliest notAfter] over
//   every certificate of the path, root included. A hit re-checks that window at the receiver's `now` and the
//   required key usage; outside the window the entry is dropped and the chain verified in full, which gives
//   the same error (and details) as without the cache, or finds another path that is valid at that time.
// - Certificates parsed from the header are frozen before they are shared between envelopes, so a caller
//   that receives `sender.certificate` cannot alter what later envelopes are checked against; callers get
//   their own copy of the `chain` array.
// - Bounded: at most SENDER_CHAIN_CACHE_SIZE entries per store, least recently used evicted first.
import { createHash } from 'node:crypto';
import type { Certificate, KeyUsage } from '../pki/certificate.js';
import { TrustStore, trustStoreRevision } from '../pki/trust.js';
import { verifyCertificate } from '../pki/verify.js';

/** Entries per trust store: a few hundred departments send to one receiver. */
export const SENDER_CHAIN_CACHE_SIZE = 256;

interface Entry {
  leaf: Certificate;
  chain: readonly Certificate[];
  usage: KeyUsage;
  notBefore: number;
  notAfter: number;
}

interface StoreCache {
  revision: number;
  entries: Map<string, Entry>;
}

const CACHES = new WeakMap<TrustStore, StoreCache>();

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
  const cache = storeCache(trust);
  const entry = cache?.entries.get(key);
  if (!cache || !entry) return undefined;
  cache.entries.delete(key);
  if (
    !(now >= entry.notBefore && now <= entry.notAfter) ||
    entry.usage !== usage ||
    !entry.leaf.keyUsage.includes(usage)
  ) {
    return undefined;
  }
  cache.entries.set(key, entry); // most recently used last
  return { leaf: entry.leaf, chain: [...entry.chain] };
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
  const cache = storeCache(options.trust);
  if (cache) {
    Object.freeze(leaf);
    Object.freeze(leaf.publicKey);
    for (const cert of intermediates) {
      Object.freeze(cert);
      Object.freeze(cert.publicKey);
    }
    let notBefore = Number.NEGATIVE_INFINITY;
    let notAfter = Number.POSITIVE_INFINITY;
    for (const cert of chain) {
      notBefore = Math.max(notBefore, cert.notBefore.getTime());
      notAfter = Math.min(notAfter, cert.notAfter.getTime());
    }
    cache.entries.delete(key);
    cache.entries.set(key, {
      leaf,
      chain: Object.freeze([...chain]),
      usage: options.usage,
      notBefore,
      notAfter,
    });
    while (cache.entries.size > SENDER_CHAIN_CACHE_SIZE) {
      cache.entries.delete(cache.entries.keys().next().value!);
    }
  }
  return chain;
}
