import { describe, expect, it } from 'vitest';
import { GapTracker } from '../../src/connector/index.js';

describe('GapTracker', () => {
  it('opens a gap for ids skipped over and closes it when they appear', () => {
    const t = new GapTracker([], 10n, 1000);
    t.forward(11n);
    t.forward(14n); // 12, 13 missing: in flight or rolled back
    expect(t.lastId).toBe(14n);
    expect(t.result(60_000)).toEqual([['12', '13', 1000]]);
    expect(t.fill(12n)).toBe(true);
    expect(t.result(60_000)).toEqual([['13', '13', 1000]]);
    expect(t.fill(13n)).toBe(true);
    expect(t.result(60_000)).toEqual([]);
  });

  it('splits a gap when an id in its middle appears, keeping when it was first seen', () => {
    const t = new GapTracker([['5', '9', 1]], 20n, 2);
    t.fill(7n);
    expect(t.result(60_000)).toEqual([
      ['5', '6', 1],
      ['8', '9', 1],
    ]);
  });

  it('gives up gaps older than the grace period', () => {
    const t = new GapTracker([['5', '5', 0]], 20n, 10_000);
    t.forward(22n);
    expect(t.result(5000)).toEqual([['21', '21', 10_000]]);
  });

  it('keeps 64-bit ids exact', () => {
    const t = new GapTracker([], 9223372036854775800n, 0);
    t.forward(9223372036854775807n);
    expect(t.result(1)).toEqual([['9223372036854775801', '9223372036854775806', 0]]);
  });
});
