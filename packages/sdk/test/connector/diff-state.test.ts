import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Decimal, Timestamp } from '../../src/changes/index.js';
import { compareKeys } from '../../src/connector/index.js';
import { StateReader, StateWriter, stateLine } from '../../src/connector/strategies/diff-state.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-diff-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('diff state', () => {
  it('orders text by code point, as COLLATE "C" and utf8mb4 bytes do', () => {
    // UTF-16 code units put U+FFFD after U+1F600 (a surrogate pair); code points do not.
    expect(compareKeys(['\u{1F600}'], ['\uFFFD'])).toBeGreaterThan(0);
    expect(compareKeys(['B'], ['a'])).toBeLessThan(0);
    expect(compareKeys(['中'], ['文'])).toBeLessThan(0);
  });

  it('orders numbers numerically across number, bigint and Decimal', () => {
    expect(compareKeys([9], [10n])).toBeLessThan(0);
    expect(compareKeys([new Decimal('10.5')], [new Decimal('9.75')])).toBeGreaterThan(0);
    expect(compareKeys([new Decimal('-2')], [new Decimal('-10')])).toBeGreaterThan(0);
    expect(compareKeys([9223372036854775807n], [9223372036854775806n])).toBeGreaterThan(0);
    expect(compareKeys([1, 'b'], [1, 'a'])).toBeGreaterThan(0);
  });

  it('orders zoned timestamps by instant', () => {
    expect(
      compareKeys([new Timestamp('2026-01-01T08:00:00+08:00')], [new Timestamp('2026-01-01T00:00:00.5Z')]),
    ).toBeLessThan(0);
  });

  it('reads back what was written, up to the committed length only', async () => {
    const path = join(dir, 's.1.state');
    const w = (await StateWriter.open(path, 0))!;
    w.append(stateLine([1n], 'h1'));
    w.append(stateLine(['中文'], 'h2'));
    const committed = await w.flush();
    w.append(stateLine([3], 'h3'));
    await w.flush();
    await w.close();
    const r = (await StateReader.open(path, committed))!;
    const seen = [];
    for (let e = await r.peek(); e; e = await r.peek()) {
      seen.push(e);
      r.next();
    }
    r.close();
    expect(seen).toEqual([
      { key: [1n], hash: 'h1' },
      { key: ['中文'], hash: 'h2' },
    ]);
    // Reopening at the committed length cuts what was written after it.
    const again = (await StateWriter.open(path, committed))!;
    await again.close();
    expect((await stat(path)).size).toBe(committed);
  });

  it('reports a state file shorter than the cursor says', async () => {
    const path = join(dir, 's.2.state');
    expect(await StateReader.open(path, 10)).toBeUndefined();
    const w = (await StateWriter.open(path, 0))!;
    await w.close();
    expect(await StateWriter.open(path, 10)).toBeUndefined();
  });
});
