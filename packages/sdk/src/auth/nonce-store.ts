/**
 * Remembers request nonces until their request date can no longer be accepted, so that a captured signed
 * request cannot be replayed. A hub running several processes needs a shared store (the reference hub keeps
 * nonces in its database); {@link MemoryNonceStore} suits one process.
 */
export interface NonceStore {
  /**
   * Records `nonce` of `departmentCode` until `expiresAt` (ms since the Unix epoch). Returns `false` when the
   * pair is already recorded and unexpired: the request is a replay. Must check and record atomically.
   */
  claim(departmentCode: string, nonce: string, expiresAt: number): boolean | Promise<boolean>;
}

/**
 * An in-process {@link NonceStore}. Expired nonces are dropped as new ones arrive; beyond `maxEntries`
 * the oldest are evicted, which reopens a replay window for them, so size it above the requests expected
 * within twice the allowed clock skew.
 *
 * @example
 * ```ts
 * const nonces = new MemoryNonceStore();
 * const caller = await verifyRequestSignature(request, { trust, resolveCertificate, nonces });
 * ```
 */
export class MemoryNonceStore implements NonceStore {
  readonly #seen = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #clock: () => number;

  constructor(options: { maxEntries?: number; clock?: () => number } = {}) {
    this.#maxEntries = options.maxEntries ?? 1_000_000;
    this.#clock = options.clock ?? Date.now;
  }

  claim(departmentCode: string, nonce: string, expiresAt: number): boolean {
    const now = this.#clock();
    const key = `${departmentCode}\n${nonce}`;
    const known = this.#seen.get(key);
    if (known !== undefined && known > now) return false;
    this.#seen.delete(key);
    this.#seen.set(key, expiresAt);
    this.#sweep(now);
    return true;
  }

  /** Number of nonces currently remembered. */
  get size(): number {
    return this.#seen.size;
  }

  #sweep(now: number): void {
    // Insertion order is roughly expiry order (expiry = request date + skew), so expired ones sit in front.
    for (const [key, expiresAt] of this.#seen) {
      if (expiresAt > now && this.#seen.size <= this.#maxEntries) break;
      this.#seen.delete(key);
    }
  }
}
