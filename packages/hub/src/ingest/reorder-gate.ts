// Senders keep several envelopes of a stream in flight, so seq n+1 may reach the hub before seq n. Rather than
// refusing it as a gap, the hub holds it (outside any transaction) until its predecessors are applied, for a
// bounded time and a bounded number of held envelopes; only then does the position check refuse it.
import type { StreamState } from '../store/index.js';

/** How long and how many envelopes the hub holds that arrived ahead of their stream. */
export interface ReorderOptions {
  /** Longest wait for the missing predecessors, in ms. 0 refuses at once. */
  waitMs: number;
  /** Most envelopes held at once across all streams; more are refused at once (the sender resends). */
  maxHeld: number;
}

/** True when `epoch`/`seq` is ahead of the stream's next position (a predecessor has not been applied yet). */
export function isAhead(state: StreamState | undefined, epoch: number, seq: number): boolean {
  if (state === undefined || epoch > state.epoch) return seq > 0;
  return epoch === state.epoch && seq > state.nextSeq;
}

/** Holds envelopes that arrived ahead of their stream until their turn. */
export class ReorderGate {
  readonly #waiters = new Map<string, Set<() => void>>();
  /**
   * Last position seen per stream. Positions only move forward, so a stale one never lets an envelope pass too
   * early; one recorded for a queued envelope that then fails is forgotten.
   */
  readonly #known = new Map<string, StreamState>();
  #held = 0;

  constructor(
    private readonly options: ReorderOptions,
    private readonly readState: (sender: string, resource: string) => Promise<StreamState | undefined>,
  ) {}

  /**
   * Resolves when the position is no longer ahead of its stream, or when the wait is over (the caller's
   * position check then refuses it). Re-reads the stream state on every wake-up and at least every 200 ms,
   * so envelopes applied by another hub process on the same database count too.
   */
  async awaitTurn(sender: string, resource: string, epoch: number, seq: number): Promise<void> {
    const key = streamKey(sender, resource);
    if (!(await this.#ahead(key, sender, resource, epoch, seq))) return;
    if (this.options.waitMs <= 0 || this.#held >= this.options.maxHeld) return;
    const deadline = Date.now() + this.options.waitMs;
    this.#held++;
    try {
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) return;
        // Checked again with no await before the waiter is registered: an advance that came during the
        // database read above has woken nobody.
        const known = this.#known.get(key);
        if (known && !isAhead(known, epoch, seq)) return;
        await this.#sleep(key, Math.min(left, 200));
        if (!(await this.#ahead(key, sender, resource, epoch, seq))) return;
      }
    } finally {
      this.#held--;
    }
  }

  /**
   * Whether the position is ahead: by the furthest position known first; by the database when that says
   * ahead, judged against the furthest position known once the read is back (an advance may come during it).
   */
  async #ahead(key: string, sender: string, resource: string, epoch: number, seq: number): Promise<boolean> {
    const known = this.#known.get(key);
    if (known && !isAhead(known, epoch, seq)) return false;
    const state = await this.readState(sender, resource);
    if (state) this.#remember(key, state);
    return isAhead(this.#known.get(key) ?? state, epoch, seq);
  }

  /**
   * Records a stream's next position once one of its envelopes is applied or queued to be applied in order,
   * and wakes those held for it.
   */
  advanced(sender: string, resource: string, state: StreamState): void {
    const key = streamKey(sender, resource);
    this.#remember(key, state);
    const waiters = this.#waiters.get(key);
    if (waiters) for (const wake of [...waiters]) wake();
  }

  /**
   * Drops what is known of a stream after an envelope `advanced` for failed to apply: the next check reads the
   * database.
   */
  forget(sender: string, resource: string): void {
    this.#known.delete(streamKey(sender, resource));
  }

  /** Keeps the furthest position: the database lags behind envelopes queued for the next commit. */
  #remember(key: string, state: StreamState): void {
    const known = this.#known.get(key);
    if (
      known &&
      (known.epoch > state.epoch || (known.epoch === state.epoch && known.nextSeq >= state.nextSeq))
    )
      return;
    if (this.#known.size >= 10_000 && !known) this.#known.clear();
    this.#known.set(key, state);
  }

  /** Number of envelopes held now (for metrics and tests). */
  get held(): number {
    return this.#held;
  }

  #sleep(key: string, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let waiters = this.#waiters.get(key);
      if (!waiters) {
        waiters = new Set();
        this.#waiters.set(key, waiters);
      }
      const set = waiters;
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.#waiters.get(key) === set) this.#waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
    });
  }
}

function streamKey(sender: string, resource: string): string {
  return `${sender}\u0000${resource}`;
}
