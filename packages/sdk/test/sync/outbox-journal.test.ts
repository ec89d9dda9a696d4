// Acknowledgements are journal lines: one append and one sync each (several together when they arrive
// together); the stream file is a periodic checkpoint. These tests take copies of the directory while the
// outbox is open, i.e. exactly what a kill -9 or a power loss at that moment leaves, and recover from them.
import { cp, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OUTBOX_CHECKPOINT_EVERY, Outbox } from '../../src/sync/outbox/outbox.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const seal = async (pos: { epoch: number; seq: number }) => ({
  frame: Buffer.alloc(100, pos.seq % 256),
  envelopeId: `${String(pos.epoch).padStart(16, '0')}${String(pos.seq).padStart(16, '0')}`,
  rows: 1,
});

/** The directory as a process killed right now would leave it (its LOCK names a dead process). */
async function crashCopy(name = 'crash', from = join(dir, 'outbox')): Promise<string> {
  const copy = join(dir, name);
  await cp(from, copy, { recursive: true });
  await writeFile(join(copy, 'LOCK'), '999999999');
  return copy;
}

async function streamDir(root: string): Promise<string> {
  const [sid] = await readdir(join(root, 'streams'));
  return join(root, 'streams', sid!);
}

async function journalLines(root: string): Promise<{ seq: number; cursor: string | null }[]> {
  const text = await readFile(join(await streamDir(root), 'receipts.ndjson'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe('Outbox acknowledgement journal', () => {
  it('makes an acknowledgement durable with the journal line alone; recovery replays it', async () => {
    const outbox = await Outbox.open(join(dir, 'outbox'));
    for (let i = 0; i < 5; i++) await outbox.append({ resource: 'r', cursor: `c${i}`, seal });
    const seq0 = outbox.next('r')!;
    const seq0Bytes = await readFile(seq0.file);
    for (let i = 0; i < 3; i++) await outbox.acknowledge(outbox.next('r')!, { receipt: i });
    const sdir = await streamDir(join(dir, 'outbox'));
    // The stream file was not rewritten per acknowledgement: the journal is the record.
    expect(JSON.parse(await readFile(join(sdir, 'stream.json'), 'utf8')).ackedSeq).toBe(-1);
    expect((await journalLines(join(dir, 'outbox'))).map((l) => [l.seq, l.cursor])).toEqual([
      [0, 'c0'],
      [1, 'c1'],
      [2, 'c2'],
    ]);
    const copy = await crashCopy();
    // The removal of acknowledged batch files is not synced: after a power loss they may be back.
    const batches = join(await streamDir(copy), 'batches');
    await writeFile(join(batches, basename(seq0.file)), seq0Bytes);
    await outbox.close();

    const recovered = await Outbox.open(copy);
    expect(recovered.pending('r').map((b) => b.seq)).toEqual([3, 4]);
    expect(recovered.status()[0]).toMatchObject({ ackedSeq: 2, cursor: 'c4', pendingBatches: 2 });
    expect((await readdir(batches)).length).toBe(2);
    expect((await recovered.append({ resource: 'r', seal })).seq).toBe(5);
    await recovered.close();
  });

  it('keeps the acknowledged cursor from the journal when every batch is delivered', async () => {
    const outbox = await Outbox.open(join(dir, 'outbox'));
    await outbox.append({ resource: 'r', cursor: 'c0', seal });
    await outbox.append({ resource: 'r', seal }); // no cursor of its own
    await outbox.acknowledge(outbox.next('r')!, {});
    await outbox.acknowledge(outbox.next('r')!, {});
    const copy = await crashCopy();
    expect(await Outbox.readCursors(copy)).toEqual(new Map([['r', 'c0']]));
    await outbox.close();
    const recovered = await Outbox.open(copy);
    expect(recovered.next('r')).toBeUndefined();
    expect(recovered.cursor('r')).toBe('c0');
    expect((await recovered.append({ resource: 'r', seal })).seq).toBe(2);
    await recovered.close();
  });

  it('drops an acknowledgement torn by a crash: the batch stays pending and the journal is cut clean', async () => {
    const outbox = await Outbox.open(join(dir, 'outbox'));
    for (let i = 0; i < 3; i++) await outbox.append({ resource: 'r', cursor: `c${i}`, seal });
    await outbox.acknowledge(outbox.next('r')!, {});
    const copy = await crashCopy();
    await outbox.close();
    const journal = join(await streamDir(copy), 'receipts.ndjson');
    const whole = (await readFile(journal)).length;
    // Half of the next acknowledgement reached the disk.
    await writeFile(journal, '{"epoch":1,"seq":1,"envelopeId":"x","cur', { flag: 'a' });

    const recovered = await Outbox.open(copy);
    expect(recovered.pending('r').map((b) => b.seq)).toEqual([1, 2]);
    expect((await readFile(journal)).length).toBe(whole);
    await recovered.acknowledge(recovered.next('r')!, { again: true });
    await recovered.close();
    expect((await journalLines(copy)).map((l) => l.seq)).toEqual([0, 1]);
    const reopened = await Outbox.open(copy);
    expect(reopened.pending('r').map((b) => b.seq)).toEqual([2]);
    await reopened.close();
  });

  it('writes acknowledgements that arrive together in one go, in order, and refuses one out of order', async () => {
    const outbox = await Outbox.open(join(dir, 'outbox'));
    for (let i = 0; i < 4; i++) await outbox.append({ resource: 'r', cursor: `c${i}`, seal });
    const [b0, b1, b2, b3] = outbox.pending('r');
    // b1 is handed over while b0 is still being written: accepted, and both resolve.
    const acks = [outbox.acknowledge(b0!, { n: 0 }), outbox.acknowledge(b1!, { n: 1 })];
    await expect(outbox.acknowledge(b3!, {})).rejects.toMatchObject({ code: 'FERRY_INVALID_ARGUMENT' });
    await Promise.all(acks);
    await outbox.acknowledge(b2!, { n: 2 });
    expect(outbox.pending('r').map((b) => b.seq)).toEqual([3]);
    expect((await journalLines(join(dir, 'outbox'))).map((l) => l.seq)).toEqual([0, 1, 2]);
    await outbox.close();
  });

  it('checkpoints the stream file every OUTBOX_CHECKPOINT_EVERY acknowledgements and on close', async () => {
    const outbox = await Outbox.open(join(dir, 'outbox'), {});
    const n = OUTBOX_CHECKPOINT_EVERY + 3;
    for (let i = 0; i < n; i++) await outbox.append({ resource: 'r', cursor: `c${i}`, seal });
    for (let i = 0; i < n; i++) await outbox.acknowledge(outbox.next('r')!, {});
    const sdir = await streamDir(join(dir, 'outbox'));
    const mid = JSON.parse(await readFile(join(sdir, 'stream.json'), 'utf8'));
    expect(mid.ackedSeq).toBe(OUTBOX_CHECKPOINT_EVERY - 1);
    expect(mid.cursor).toBe(`c${OUTBOX_CHECKPOINT_EVERY - 1}`);
    const copy = await crashCopy();
    await outbox.close();
    const closed = JSON.parse(await readFile(join(sdir, 'stream.json'), 'utf8'));
    expect(closed).toMatchObject({ ackedSeq: n - 1, cursor: `c${n - 1}` });
    expect(closed.journalOffset).toBe((await readFile(join(sdir, 'receipts.ndjson'))).length);
    // Recovery from the crash copy replays only the three lines after the checkpoint's offset.
    const recovered = await Outbox.open(copy);
    expect(recovered.status()[0]).toMatchObject({ ackedSeq: n - 1, cursor: `c${n - 1}`, pendingBatches: 0 });
    await recovered.close();
  });

  it('opens an outbox written before the journal and journals from there on', async () => {
    const outbox = await Outbox.open(join(dir, 'outbox'));
    for (let i = 0; i < 3; i++) await outbox.append({ resource: 'r', cursor: `c${i}`, seal });
    await outbox.close();
    // What the previous version left: a stream file without a journal offset, receipt lines without cursors.
    const sdir = await streamDir(join(dir, 'outbox'));
    const saved = JSON.parse(await readFile(join(sdir, 'stream.json'), 'utf8'));
    const first = outbox.pending('r')[0]!;
    await writeFile(
      join(sdir, 'stream.json'),
      JSON.stringify({
        resource: 'r',
        epoch: first.epoch,
        ackedSeq: 0,
        cursor: 'c0',
        updatedAt: saved.updatedAt,
      }),
    );
    await writeFile(
      join(sdir, 'receipts.ndjson'),
      `${JSON.stringify({ epoch: first.epoch, seq: 0, envelopeId: first.envelopeId, receipt: {} })}\n`,
    );
    await rm(first.file);

    const upgraded = await Outbox.open(join(dir, 'outbox'));
    expect(upgraded.pending('r').map((b) => b.seq)).toEqual([1, 2]);
    await upgraded.acknowledge(upgraded.next('r')!, {});
    const copy = await crashCopy();
    await upgraded.close();
    const recovered = await Outbox.open(copy);
    expect(recovered.status()[0]).toMatchObject({ ackedSeq: 1, cursor: 'c2', pendingBatches: 1 });
    await recovered.close();
  });

  it('replays a journal line written twice (a retried write after a failed sync) once', async () => {
    const outbox = await Outbox.open(join(dir, 'outbox'));
    for (let i = 0; i < 2; i++) await outbox.append({ resource: 'r', cursor: `c${i}`, seal });
    await outbox.acknowledge(outbox.next('r')!, {});
    const copy = await crashCopy();
    await outbox.close();
    const journal = join(await streamDir(copy), 'receipts.ndjson');
    const text = await readFile(journal, 'utf8');
    await writeFile(journal, text + text);
    const recovered = await Outbox.open(copy);
    expect(recovered.pending('r').map((b) => b.seq)).toEqual([1]);
    await recovered.close();
    // And an emptied (rotated) journal only loses proof, never a position the stream file holds.
    await truncate(journal, 0);
    const rotated = await Outbox.open(copy);
    expect(rotated.pending('r').map((b) => b.seq)).toEqual([1]);
    // New acknowledgements after the rotation are replayed after a crash (the offset was reset at open).
    await rotated.append({ resource: 'r', cursor: 'c2', seal });
    await rotated.acknowledge(rotated.next('r')!, {});
    const again = await crashCopy('after-rotation', copy);
    await rotated.close();
    const recovered2 = await Outbox.open(again);
    expect(recovered2.pending('r').map((b) => b.seq)).toEqual([2]);
    await recovered2.close();
  });
});
