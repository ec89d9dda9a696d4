/**
 * Remembers envelope ids for the freshness window, so a replayed envelope is refused.
 * The hub keeps ids in its database; {@link MemoryReplayGuard} suits a single process.
 */
export interface ReplayGuard {
  /** True when `id` was remembered and has not expired. */
  has(id: string): boolean | Promise<boolean>;
  /** Remember `id` until `expiresAt` (ms since epoch). Called only after an envelope opened completely. */
  remember(id: string, expiresAt: number): void | Promise<void>;
}

/**
 * An in-process {@link ReplayGuard} bounded by count; oldest ids are evicted first.
 *
 * @example
 * ```ts
 * const replay = new MemoryReplayGuard();
 * await open(frame, { me, trust, replay });
 * ```
 */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly maxEntries = 1_000_000,
    private readonly clock: () => number = Date.now,
  ) {}

  has(id: string): boolean {
    const expiresAt = this.ids.get(id);
    if (expiresAt === undefined) return false;
    if (expiresAt <= this.clock()) {
      this.ids.delete(id);
      return false;
    }
    return true;
  }

  remember(id: string, expiresAt: number): void {
    this.ids.delete(id);
    this.ids.set(id, expiresAt);
    while (this.ids.size > this.maxEntries) {
      const oldest = this.ids.keys().next().value as string;
      this.ids.delete(oldest);
    }
  }
}
