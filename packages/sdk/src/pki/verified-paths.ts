// Certificate paths already verified against a trust store, remembered so that the same x5c is not parsed and
// verified again for every envelope or receipt. Shared rules of the envelope's sender-chain cache and the
// receipt's hub-chain cache:
// - Entries are kept per trust store (WeakMap); a store whose certificates change (its revision) drops them.
// - Only successes are remembered: a failing chain is verified again next time and keeps its exact error.
// - An entry holds the validity window of the verified path ([latest notBefore, earliest notAfter] over every
//   certificate, root included); a lookup outside it misses, so the caller verifies in full again and gets the
//   same error as without the cache.
// - Bounded per store: least recently used evicted first.
import type { Certificate } from './certificate.js';
import { TrustStore, trustStoreRevision } from './trust.js';

/** The validity window of a verified path. */
export interface PathWindow {
  notBefore: number;
  notAfter: number;
}

/** [latest notBefore, earliest notAfter] over every certificate of `path`, in ms since the epoch. */
export function pathWindow(path: readonly Certificate[]): PathWindow {
  let notBefore = Number.NEGATIVE_INFINITY;
  let notAfter = Number.POSITIVE_INFINITY;
  for (const cert of path) {
    notBefore = Math.max(notBefore, cert.notBefore.getTime());
    notAfter = Math.min(notAfter, cert.notAfter.getTime());
  }
  return { notBefore, notAfter };
}

/** A bounded LRU of verified paths per trust store. `E` carries what a hit returns besides its window. */
export class VerifiedPaths<E extends PathWindow> {
  readonly #stores = new WeakMap<TrustStore, { revision: number; entries: Map<string, E> }>();

  constructor(private readonly capacity: number) {}

  /** The entry under `key` when its window holds `at` and `accept` agrees; a miss drops a stale entry. */
  get(trust: TrustStore, key: string, at: number, accept: (entry: E) => boolean = () => true): E | undefined {
    const entries = this.#entries(trust);
    const entry = entries?.get(key);
    if (!entries || !entry) return undefined;
    entries.delete(key);
    if (!(at >= entry.notBefore && at <= entry.notAfter) || !accept(entry)) return undefined;
    entries.set(key, entry); // most recently used last
    return entry;
  }

  /** Remembers a verified path (only stores of this SDK's `TrustStore` class are cached). */
  set(trust: TrustStore, key: string, entry: E): void {
    const entries = this.#entries(trust);
    if (!entries) return;
    entries.delete(key);
    entries.set(key, entry);
    while (entries.size > this.capacity) entries.delete(entries.keys().next().value!);
  }

  #entries(trust: TrustStore): Map<string, E> | undefined {
    if (!(trust instanceof TrustStore)) return undefined;
    const revision = trustStoreRevision(trust);
    let store = this.#stores.get(trust);
    if (!store || store.revision !== revision) {
      store = { revision, entries: new Map() };
      this.#stores.set(trust, store);
    }
    return store.entries;
  }
}

/** Freezes certificates before a cache shares them, so no caller can alter what later checks rely on. */
export function freezeCertificates(certs: readonly Certificate[]): void {
  for (const cert of certs) {
    Object.freeze(cert);
    Object.freeze(cert.publicKey);
  }
}
