// Streaming seal and open: large content in odd-sized chunks, failures found mid-stream, and interchange with
// the buffered API.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEGMENT_SIZE, SEGMENT_PREFIX_LENGTH } from '../../src/envelope/constants.js';
import { MemoryReplayGuard, NDJSON, open, openStream, seal, sealStream } from '../../src/envelope/index.js';
import { parseFrame } from '../../src/envelope/parse-frame.js';
import { pkiFixture } from '../helpers/pki-fixtures.js';
import { chunked, collect, edited, expectCode, layout, rejection } from './frame-tools.js';

const resource = '371000000000/00002';
const stream = { epoch: 2, seq: 0 };
const MiB = 1024 * 1024;

/**
 * `total` bytes of generated NDJSON-like text (compressible but not trivially), in chunks whose sizes cycle
 * through `sizes`, with a running SHA-256 of everything yielded.
 */
function generated(total: number, sizes: readonly number[]) {
  const digest = createHash('sha256');
  let produced = 0;
  async function* source() {
    let line = 0;
    let pending = Buffer.alloc(0);
    for (let i = 0; produced < total; i++) {
      const size = Math.min(sizes[i % sizes.length]!, total - produced);
      while (pending.length < size) {
        const text = `{"序号":${line},"名称":"企业${(line * 2654435761) % 1000003}","金额":"${line % 9973}.${line % 97}"}\n`;
        pending = Buffer.concat([pending, Buffer.from(text.repeat(64), 'utf8')]);
        line += 64;
      }
      const chunk = pending.subarray(0, size);
      pending = pending.subarray(size);
      digest.update(chunk);
      produced += size;
      yield chunk;
    }
  }
  return { source: source(), digest: () => digest.digest('hex') };
}

async function frameOf(chunks: AsyncIterable<Uint8Array>): Promise<{ frame: Buffer; largestChunk: number }> {
  const parts: Uint8Array[] = [];
  let largestChunk = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    largestChunk = Math.max(largestChunk, chunk.length);
  }
  return { frame: Buffer.concat(parts), largestChunk };
}

describe('sealStream and openStream', () => {
  const intl = pkiFixture('ec-p256');
  const gm = pkiFixture('sm2');

  it('round-trips 20 MiB in odd-sized chunks, with memory bounded by the segment size', async () => {
    const { alice, bob, trust } = intl;
    const input = generated(20 * MiB, [1, 4093, 65_537, 333_333, 17]);
    const { frame, largestChunk } = await frameOf(
      sealStream(input.source, { from: alice, to: bob.certificate, resource, stream, contentType: NDJSON }),
    );
    // Deflate only ever grows a segment by a little; a frame chunk is one segment (or the prefix and header).
    expect(largestChunk).toBeLessThanOrEqual(DEFAULT_SEGMENT_SIZE + SEGMENT_PREFIX_LENGTH + 1024 + 16);
    expect(frame.length).toBeLessThan(20 * MiB);

    const opened = await openStream(chunked(frame, [7, 50_001, 1, 131_071, 3]), { me: bob, trust });
    expect(opened.header.content).toMatchObject({ type: NDJSON, compression: 'deflate', rows: null });
    const digest = createHash('sha256');
    let total = 0;
    let chunks = 0;
    for await (const chunk of opened.content) {
      expect(chunk.length).toBeLessThanOrEqual(DEFAULT_SEGMENT_SIZE);
      digest.update(chunk);
      total += chunk.length;
      chunks++;
    }
    expect(total).toBe(20 * MiB);
    expect(chunks).toBe((20 * MiB) / DEFAULT_SEGMENT_SIZE);
    expect(digest.digest('hex')).toBe(input.digest());
  });

  it('round-trips GM content with an odd segment size and no compression', async () => {
    const { alice, bob, trust } = gm;
    const input = generated(3 * MiB + 12_345, [65_536, 99_999, 5]);
    const { frame } = await frameOf(
      sealStream(input.source, {
        from: alice,
        to: bob.certificate,
        resource,
        stream,
        compression: 'none',
        segmentSize: 37_000,
      }),
    );
    const opened = await openStream(chunked(frame, [1_000_003, 11]), { me: bob, trust });
    const content = await collect(opened.content);
    expect(createHash('sha256').update(content).digest('hex')).toBe(input.digest());
    expect(opened.header.suite).toBe('GM');
  });

  it('yields the segments before a tampered last segment, then throws at the end', async () => {
    const { alice, bob, trust } = intl;
    const content = Buffer.alloc(5 * 1024, 'a');
    const frame = await seal({
      from: alice,
      to: bob.certificate,
      resource,
      stream,
      bytes: content,
      segmentSize: 1024,
    });
    const segments = layout(frame).segments;
    const lastData = segments[segments.length - 2]!;
    const finalSegment = segments[segments.length - 1]!;
    const cases = [
      { name: 'last data segment', at: lastData.start + 3, yielded: 4 },
      { name: 'final segment', at: finalSegment.start + 3, yielded: 5 },
      { name: 'outer signature', at: frame.length - 1, yielded: 5 },
    ];
    for (const { name, at, yielded } of cases) {
      const bad = edited(frame, (b) => {
        b[at]! ^= 0x10;
      });
      const opened = await openStream(chunked(bad, [999]), { me: bob, trust });
      const got: Uint8Array[] = [];
      const err = await rejection(async () => {
        for await (const chunk of opened.content) got.push(chunk);
      });
      expect(err.code, name).toBe('FERRY_ENVELOPE_TAMPERED');
      expect(got.length, name).toBe(yielded);
      expect(Buffer.concat(got).equals(content.subarray(0, yielded * 1024)), name).toBe(true);
    }
  });

  it('throws TRAILING_DATA after the content when bytes follow the frame', async () => {
    const { alice, bob, trust } = intl;
    const frame = await seal({ from: alice, to: bob.certificate, resource, stream, rows: [{ a: 1 }] });
    const opened = await openStream([frame, Buffer.from('extra')], { me: bob, trust });
    await expectCode(collect(opened.content), 'FERRY_ENVELOPE_TRAILING_DATA');
    const oneMore = await openStream(chunked(Buffer.concat([frame, Buffer.of(0)]), [5]), { me: bob, trust });
    await expectCode(collect(oneMore.content), 'FERRY_ENVELOPE_TRAILING_DATA');
  });

  it('refuses before yielding anything when the header or sender is wrong', async () => {
    const { alice, bob, mallory, trust } = intl;
    const frame = await seal({ from: alice, to: bob.certificate, resource, stream, rows: [{ a: 1 }] });
    await expectCode(openStream([frame], { me: mallory, trust }), 'FERRY_ENVELOPE_NOT_RECIPIENT');
    await expectCode(
      openStream([frame], { me: bob, trust, expectedSender: 'someone else' }),
      'FERRY_ENVELOPE_SENDER',
    );
    await expectCode(openStream([frame.subarray(0, 100)], { me: bob, trust }), 'FERRY_ENVELOPE_TRUNCATED');
    await expectCode(openStream([], { me: bob, trust }), 'FERRY_ENVELOPE_TRUNCATED');
  });

  it('opens a sealStream frame with open, and a seal frame with openStream', async () => {
    const { alice, bob, trust } = gm;
    const rows = Array.from({ length: 500 }, (_, i) => ({ 序号: i, 名称: `单位${i}` }));
    const text = Buffer.from(`${rows.map((r) => JSON.stringify(r)).join('\n')}\n`, 'utf8');
    const { frame: streamed } = await frameOf(
      sealStream(chunked(text, [333]), {
        from: alice,
        to: bob.certificate,
        resource,
        stream,
        contentType: NDJSON,
        rows: rows.length,
        segmentSize: 4096,
      }),
    );
    const opened = await open(streamed, { me: bob, trust });
    expect(opened.rows).toEqual(rows);
    expect(opened.header.content.rows).toBe(500);

    const buffered = await seal({
      from: alice,
      to: bob.certificate,
      resource,
      stream,
      rows,
      segmentSize: 4096,
    });
    const streamOpened = await openStream(chunked(buffered, [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]), {
      me: bob,
      trust,
    });
    expect(streamOpened.header.content.rows).toBe(500);
    expect((await collect(streamOpened.content)).equals(text)).toBe(true);
  });

  it('reads a frame from a file stream', async () => {
    const { alice, bob, trust } = intl;
    const dir = await mkdtemp(join(tmpdir(), 'ferry-envelope-'));
    try {
      const bytes = Buffer.alloc(300_000, 'x');
      const path = join(dir, 'export.ferry');
      await writeFile(path, await seal({ from: alice, to: bob.certificate, resource, stream, bytes }));
      const opened = await openStream(createReadStream(path, { highWaterMark: 10_007 }), { me: bob, trust });
      expect((await collect(opened.content)).equals(bytes)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('remembers the id only once the whole stream checked out', async () => {
    const { alice, bob, trust } = intl;
    const replay = new MemoryReplayGuard();
    const frame = await seal({ from: alice, to: bob.certificate, resource, stream, rows: [{ a: 1 }] });
    const bad = edited(frame, (b) => {
      b[b.length - 1]! ^= 1;
    });
    await expectCode(
      async () => collect((await openStream([bad], { me: bob, trust, replay })).content),
      'FERRY_ENVELOPE_TAMPERED',
    );
    // Opened but not read to the end: not remembered either.
    const abandoned = await openStream([frame], { me: bob, trust, replay });
    expect(abandoned.header.id).toBe(parseFrame(frame).header.id);
    await collect((await openStream([frame], { me: bob, trust, replay })).content);
    await expectCode(openStream([frame], { me: bob, trust, replay }), 'FERRY_REPLAY');
    await expectCode(open(frame, { me: bob, trust, replay }), 'FERRY_REPLAY');
  });

  it('lets the content be read only once', async () => {
    const { alice, bob, trust } = intl;
    const frame = await seal({ from: alice, to: bob.certificate, resource, stream, rows: [{ a: 1 }] });
    const opened = await openStream([frame], { me: bob, trust });
    expect((await collect(opened.content)).toString()).toBe('{"a":1}\n');
    await expectCode(collect(opened.content), 'FERRY_INVALID_ARGUMENT');
  });

  it('refuses bad sealStream arguments', async () => {
    const { alice, bob } = intl;
    await expectCode(
      collect(
        sealStream([Buffer.from('x')], { from: alice, to: bob.certificate, resource, stream, rows: -1 }),
      ),
      'FERRY_INVALID_ARGUMENT',
    );
  });
});
