import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isFerryError } from '../../src/errors/index.js';
import { OUTBOX_FRAME_CACHE_DEPTH, Outbox } from '../../src/sync/outbox/outbox.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-outbox-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fakeSeal =
  (size = 100) =>
  async (pos: { epoch: number; seq: number }) => ({
    frame: Buffer.alloc(size, pos.seq % 256),
    envelopeId: `${String(pos.epoch).padStart(16, '0')}${String(pos.seq).padStart(16, '0')}`,
    rows: 1,
  });

describe('Outbox', () => {
  it('assigns gapless seqs per stream, starting a new stream at a time-based epoch and seq 0', async () => {
    const outbox = await Outbox.open(dir);
    const a = await outbox.append({ resource: 'r1', cursor: 'c1', seal: fakeSeal() });
    const b = await outbox.append({ resource: 'r1', cursor: 'c2', seal: fakeSeal() });
    const c = await outbox.append({ resource: 'r2', seal: fakeSeal() });
    expect([a.seq, b.seq, c.seq]).toEqual([0, 1, 0]);
    expect(a.epoch).toBeGreaterThan(Date.now() - 60_000);
    expect(outbox.cursor('r1')).toBe('c2');
    await outbox.close();
  });

  it('keeps order and positions across concurrent appends', async () => {
    const outbox = await Outbox.open(dir);
    const batches = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        outbox.append({ resource: 'r', cursor: `c${i}`, seal: fakeSeal() }),
      ),
    );
    expect(batches.map((b) => b.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(outbox.cursor('r')).toBe('c19');
    await outbox.close();
  });

  it('recovers pending batches, positions and cursors after reopening', async () => {
    let outbox = await Outbox.open(dir);
    for (let i = 0; i < 3; i++) await outbox.append({ resource: 'r', cursor: `c${i}`, seal: fakeSeal() });
    await outbox.acknowledge(outbox.next('r')!, { ok: true });
    await outbox.close();

    outbox = await Outbox.open(dir);
    expect(outbox.pending('r').map((b) => b.seq)).toEqual([1, 2]);
    expect(outbox.cursor('r')).toBe('c2');
    const next = await outbox.append({ resource: 'r', seal: fakeSeal() });
    expect(next.seq).toBe(3);
    // A batch without a cursor does not lose the stream's cursor.
    expect(outbox.cursor('r')).toBe('c2');
    const frame = await outbox.readFrame(outbox.next('r')!);
    expect(frame[0]).toBe(1);
    await outbox.close();
  });

  it('keeps the acknowledged cursor when every batch is delivered', async () => {
    let outbox = await Outbox.open(dir);
    await outbox.append({ resource: 'r', cursor: 'c0', seal: fakeSeal() });
    await outbox.acknowledge(outbox.next('r')!, {});
    await outbox.close();
    outbox = await Outbox.open(dir);
    expect(outbox.next('r')).toBeUndefined();
    expect(outbox.cursor('r')).toBe('c0');
    expect((await outbox.append({ resource: 'r', seal: fakeSeal() })).seq).toBe(1);
    await outbox.close();
  });

  it('starts a new epoch at seq 0 on request', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.append({ resource: 'r', seal: fakeSeal() });
    await outbox.append({ resource: 'r', seal: fakeSeal() });
    const snap = await outbox.append({ resource: 'r', newEpoch: true, snapshot: 'begin', seal: fakeSeal() });
    const first = outbox.pending('r')[0]!;
    expect([snap.epoch - first.epoch, snap.seq, snap.snapshot]).toEqual([1, 0, 'begin']);
    await outbox.close();
  });

  it('refuses out-of-order acknowledgements', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.append({ resource: 'r', seal: fakeSeal() });
    const second = await outbox.append({ resource: 'r', seal: fakeSeal() });
    await expect(outbox.acknowledge(second, {})).rejects.toMatchObject({ code: 'FERRY_INVALID_ARGUMENT' });
    await outbox.close();
  });

  it('removes half-written temp files and batches acknowledged just before a crash', async () => {
    let outbox = await Outbox.open(dir);
    await outbox.append({ resource: 'r', seal: fakeSeal() });
    const [stream] = await readdir(join(dir, 'streams'));
    const batchDir = join(dir, 'streams', stream!, 'batches');
    const [first] = await readdir(batchDir);
    const firstBytes = await import('node:fs/promises').then((fs) => fs.readFile(join(batchDir, first!)));
    await outbox.acknowledge(outbox.next('r')!, {});
    await outbox.close();
    // Simulate the crash window: the stream file says seq 0 is acknowledged but the batch file is back.
    await writeFile(join(batchDir, first!), firstBytes);
    await writeFile(join(batchDir, '0000000001-0000000000001.batch.123.tmp'), 'torn');
    outbox = await Outbox.open(dir);
    expect(outbox.pending('r')).toHaveLength(0);
    expect(await readdir(batchDir)).toEqual([]);
    await outbox.close();
  });

  it('detects a corrupted batch file by its checksum', async () => {
    const outbox = await Outbox.open(dir, { frameCacheBytes: 0 });
    const batch = await outbox.append({ resource: 'r', seal: fakeSeal(1000) });
    const fs = await import('node:fs/promises');
    const bytes = await fs.readFile(batch.file);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    await fs.writeFile(batch.file, bytes);
    await expect(outbox.readFrame(batch)).rejects.toMatchObject({ code: 'FERRY_OUTBOX_CORRUPT' });
    await outbox.close();
  });

  it('serves the frames it appended from memory; after a restart it reads and checks the files', async () => {
    let outbox = await Outbox.open(dir);
    const batch = await outbox.append({ resource: 'r', seal: fakeSeal(1000) });
    const fs = await import('node:fs/promises');
    const bytes = await fs.readFile(batch.file);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    await fs.writeFile(batch.file, bytes);
    // What this process sealed is still in memory: the damaged file is not read.
    expect(Buffer.from(await outbox.readFrame(batch)).equals(Buffer.alloc(1000, 0))).toBe(true);
    await outbox.close();
    outbox = await Outbox.open(dir);
    await expect(outbox.readFrame(outbox.next('r')!)).rejects.toMatchObject({ code: 'FERRY_OUTBOX_CORRUPT' });
    await outbox.close();
  });

  it('keeps in memory only the frames of batches near the head of their stream', async () => {
    const outbox = await Outbox.open(dir, { frameCacheBytes: 1 << 20 });
    const batches = [];
    for (let i = 0; i <= OUTBOX_FRAME_CACHE_DEPTH; i++)
      batches.push(await outbox.append({ resource: 'r', seal: fakeSeal(1000) }));
    const fs = await import('node:fs/promises');
    for (const batch of batches) {
      const bytes = await fs.readFile(batch.file);
      bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
      await fs.writeFile(batch.file, bytes);
    }
    // The first ones are served from memory; the last, appended behind a full window, is read from its file.
    for (const batch of batches.slice(0, OUTBOX_FRAME_CACHE_DEPTH))
      expect((await outbox.readFrame(batch))[0]).toBe(batch.seq);
    await expect(outbox.readFrame(batches.at(-1)!)).rejects.toMatchObject({ code: 'FERRY_OUTBOX_CORRUPT' });
    await outbox.close();
  });

  it('reads a frame into the buffer of one handed back, and never into one still in use', async () => {
    const outbox = await Outbox.open(dir, { frameCacheBytes: 0 });
    const [a, b, c] = [
      await outbox.append({ resource: 'r', seal: fakeSeal(1000) }),
      await outbox.append({ resource: 'r', seal: fakeSeal(900) }),
      await outbox.append({ resource: 'r', seal: fakeSeal(5000) }),
    ];
    const first = await outbox.readFrame(a!);
    const second = await outbox.readFrame(b!);
    expect(second.buffer).not.toBe(first.buffer);
    outbox.releaseFrame(first);
    const third = await outbox.readFrame(b!);
    expect(third.buffer).toBe(first.buffer);
    expect(Buffer.from(third).equals(Buffer.alloc(900, 1))).toBe(true);
    // Too small for a larger frame: that one gets a buffer of its own, and the frames read stay intact.
    outbox.releaseFrame(third);
    const fourth = await outbox.readFrame(c!);
    expect(fourth.buffer).not.toBe(first.buffer);
    expect(Buffer.from(fourth).equals(Buffer.alloc(5000, 2))).toBe(true);
    expect(Buffer.from(second).equals(Buffer.alloc(900, 1))).toBe(true);
    outbox.releaseFrame(fourth);
    outbox.releaseFrame(fourth); // twice: no effect
    expect((await outbox.readFrame(a!)).buffer).not.toBe((await outbox.readFrame(b!)).buffer);
    await outbox.close();
  });

  it('applies back-pressure when full and fails with FERRY_OUTBOX_FULL after the timeout', async () => {
    const outbox = await Outbox.open(dir, { maxBytes: 1000, fullTimeoutMs: 200 });
    await outbox.append({ resource: 'r', seal: fakeSeal(1500) });
    const started = Date.now();
    const err = await outbox.append({ resource: 'r', seal: fakeSeal(10) }).catch((e) => e);
    expect(isFerryError(err, 'FERRY_OUTBOX_FULL')).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    expect(outbox.pending('r')).toHaveLength(1);
    await outbox.close();
  });

  it('lets a waiting producer continue once delivery frees space', async () => {
    const outbox = await Outbox.open(dir, { maxBytes: 1000, fullTimeoutMs: 5000 });
    await outbox.append({ resource: 'r', seal: fakeSeal(1500) });
    const waiting = outbox.append({ resource: 'r', seal: fakeSeal(10) });
    await new Promise((r) => setTimeout(r, 50));
    await outbox.acknowledge(outbox.next('r')!, {});
    const batch = await waiting;
    expect(batch.seq).toBe(1);
    await outbox.close();
  });

  it('lets one live process own the directory', async () => {
    const outbox = await Outbox.open(dir);
    await expect(Outbox.open(dir)).rejects.toMatchObject({ code: 'FERRY_OUTBOX_LOCKED' });
    await outbox.close();
    const again = await Outbox.open(dir);
    await again.close();
    await again.close(); // safe twice
  });

  it('takes over the lock of a dead process', async () => {
    await writeFile(join(dir, 'LOCK'), '999999999');
    const outbox = await Outbox.open(dir);
    await outbox.close();
  });
});
