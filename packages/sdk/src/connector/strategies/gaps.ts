// Ids missing below the highest id read: a transaction that allocated them may not have committed yet.
import type { JsonValue } from '../checkpoint.js';

/**
 * A run of missing ids `[lo, hi]` (decimal text, so 64-bit ids stay exact) first noticed at `since`
 * (ms since the epoch). Kept in the cursor and looked for again on every read until the ids appear or
 * the grace period passes.
 */
export type Gap = [lo: string, hi: string, since: number];

/** At most this many gap runs are kept; the oldest are given up first. */
export const MAX_GAPS = 1000;

/** Validates gaps read from a cursor. */
export function parseGaps(value: JsonValue | undefined): Gap[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new TypeError('gaps is not a list');
  return value.map((g) => {
    if (
      !Array.isArray(g) ||
      g.length !== 3 ||
      typeof g[0] !== 'string' ||
      typeof g[1] !== 'string' ||
      typeof g[2] !== 'number' ||
      !/^-?\d+$/.test(g[0]) ||
      !/^-?\d+$/.test(g[1])
    ) {
      throw new TypeError('a gap is not [lo, hi, since]');
    }
    return [g[0], g[1], g[2]] as Gap;
  });
}

/**
 * Tracks ids seen while reading forward from `last`: each jump over missing ids opens a gap; ids found
 * inside a gap close that part of it.
 */
export class GapTracker {
  private gaps: Gap[];
  private last: bigint;
  constructor(
    gaps: readonly Gap[],
    last: bigint,
    private readonly now: number,
  ) {
    this.gaps = gaps.map((g) => [...g] as Gap);
    this.last = last;
  }

  /** The highest id read. */
  get lastId(): bigint {
    return this.last;
  }

  /** Notes an id read forward (ids must arrive ascending and above the last one). */
  forward(id: bigint): void {
    if (id > this.last + 1n) this.gaps.push([(this.last + 1n).toString(), (id - 1n).toString(), this.now]);
    if (id > this.last) this.last = id;
  }

  /** Notes an id found while re-reading gaps: removes it from its gap. Returns whether it was in one. */
  fill(id: bigint): boolean {
    for (let i = 0; i < this.gaps.length; i++) {
      const [lo, hi, since] = this.gaps[i]!;
      const l = BigInt(lo);
      const h = BigInt(hi);
      if (id < l || id > h) continue;
      const parts: Gap[] = [];
      if (id > l) parts.push([lo, (id - 1n).toString(), since]);
      if (id < h) parts.push([(id + 1n).toString(), hi, since]);
      this.gaps.splice(i, 1, ...parts);
      return true;
    }
    return false;
  }

  /** Gives up gaps older than `graceMs` and keeps at most {@link MAX_GAPS}; returns the rest. */
  result(graceMs: number): Gap[] {
    const alive = this.gaps.filter((g) => this.now - g[2] < graceMs);
    return alive.length > MAX_GAPS ? alive.slice(alive.length - MAX_GAPS) : alive;
  }
}

/** `col BETWEEN ? AND ? OR …` over the gaps, with bindings. */
export function gapPredicate(
  columnSql: string,
  param: string,
  gaps: readonly Gap[],
): { sql: string; bindings: string[] } {
  const bindings: string[] = [];
  const parts = gaps.map(([lo, hi]) => {
    bindings.push(lo, hi);
    return `${columnSql} BETWEEN ${param} AND ${param}`;
  });
  return { sql: `(${parts.join(' OR ')})`, bindings };
}
