// The batcher closes batches by rows, UTF-8 bytes or age, and hands over one NDJSON buffer per batch.
import { describe, expect, it } from 'vitest';
import { type Change, decodeChanges, encodeChanges } from '../../src/changes/index.js';
import { Batcher, type ClosedBatch } from '../../src/sync/batcher.js';

const change = (id: number, name = `name-${id}`): Change => ({
  op: 'upsert',
  key: { id: BigInt(id) },
  row: { id: BigInt(id), name },
});

describe('Batcher', () => {
  it('closes at maxRows and hands over exactly what encodeChanges gives, with the last cursor', async () => {
    const closed: ClosedBatch[] = [];
    const batcher = new Batcher(async (b) => void closed.push(b), { maxRows: 3, maxAgeMs: 60_000 });
    const changes = Array.from({ length: 7 }, (_, i) => change(i));
    await batcher.add('r', changes.slice(0, 5), 'c5');
    await batcher.add('r', changes.slice(5), 'c7');
    await batcher.close();
    expect(closed.map((b) => [b.rows, b.cursor])).toEqual([
      [3, undefined],
      [3, 'c5'], // a cursor lags behind a batch that also holds changes of the next call: never ahead of it
      [1, 'c7'],
    ]);
    expect(Buffer.concat(closed.map((b) => b.content))).toEqual(Buffer.from(encodeChanges(changes)));
    expect(decodeChanges(closed[0]!.content)).toHaveLength(3);
  });

  it('cuts one large call into batches by rows and bytes, byte for byte what encodeChanges gives', async () => {
    const closed: ClosedBatch[] = [];
    const batcher = new Batcher(async (b) => void closed.push(b), {
      maxRows: 1000,
      maxBytes: 40_000,
      maxAgeMs: 60_000,
    });
    const changes = Array.from({ length: 10_000 }, (_, i) =>
      change(i, i % 7 === 0 ? '长'.repeat(i % 300) : `n${i}`),
    );
    await batcher.add('r', changes, 'end');
    await batcher.close();
    expect(closed.every((b) => b.rows <= 1000 && (b.content.length <= 40_000 || b.rows === 1))).toBe(true);
    expect(closed.reduce((n, b) => n + b.rows, 0)).toBe(10_000);
    expect(closed.map((b) => decodeChanges(b.content).length)).toEqual(closed.map((b) => b.rows));
    const whole = Buffer.from(encodeChanges(changes));
    expect(Buffer.concat(closed.map((b) => b.content)).equals(whole)).toBe(true);
    expect(closed.at(-1)!.cursor).toBe('end');
  });

  it('counts maxBytes in UTF-8 bytes, not characters', async () => {
    const closed: ClosedBatch[] = [];
    const wide = change(1, '张'.repeat(100)); // 300 bytes of name, 100 characters
    const line = Buffer.from(encodeChanges([wide])).length;
    const batcher = new Batcher(async (b) => void closed.push(b), {
      maxBytes: line * 2 + 10,
      maxAgeMs: 60_000,
    });
    await batcher.add('r', [wide, wide, wide]);
    await batcher.close();
    expect(closed.map((b) => b.rows)).toEqual([2, 1]);
    expect(closed[0]!.content.length).toBe(line * 2);
  });

  it('names the change that cannot be encoded by its index in the call', async () => {
    const batcher = new Batcher(async () => {}, { maxAgeMs: 60_000 });
    const bad = { op: 'upsert', key: { id: 1n }, row: { f: () => 1 } } as unknown as Change;
    const closed: ClosedBatch[] = [];
    const keeping = new Batcher(async (b) => void closed.push(b), { maxAgeMs: 60_000 });
    await expect(keeping.add('r', [change(1), change(2), bad, change(4)])).rejects.toMatchObject({
      code: 'FERRY_INVALID_ARGUMENT',
      location: { field: 'changes[2]' },
    });
    // The changes before the bad one were added, as before the call failed.
    await keeping.close();
    expect(closed.map((b) => b.rows)).toEqual([2]);
    await batcher.close();
  });
});
