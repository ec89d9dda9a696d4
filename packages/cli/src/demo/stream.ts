// Step: a payload larger than one wants in memory, sealed with sealStream into a file and opened back with
// openStream, with throughput and an end-to-end SHA-256 comparison.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openStream, sealStream } from '@ferry/sdk';
import { formatBytes, formatRate } from '../util/text.js';
import { type DemoStep, need } from './context.js';
import { RESOURCE } from './sample-data.js';

const CHUNK = 1024 * 1024;

export const streamLarge: DemoStep = {
  name: 'stream',
  async run(ctx) {
    const total = Math.round(ctx.options.streamMiB * CHUNK);
    const block = randomBytes(CHUNK);
    const sent = createHash('sha256');
    // Incompressible content, each chunk distinct, so that the figures measure the cryptography.
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let at = 0, n = 0; at < total; at += CHUNK, n++) {
        const chunk = Buffer.from(block.subarray(0, Math.min(CHUNK, total - at)));
        chunk.writeUInt32BE(n, 0);
        sent.update(chunk);
        yield chunk;
      }
    }
    const sealOptions = {
      from: need(ctx.provider, 'provider identity'),
      to: need(ctx.consumer, 'consumer identity').certificate,
      resource: RESOURCE.code,
      stream: { epoch: 1, seq: 1 },
      suite: ctx.suite.name,
      compression: 'none' as const,
    };
    const openOptions = {
      me: need(ctx.consumer, 'consumer identity'),
      trust: need(ctx.trust, 'trust store'),
    };
    // An untimed 1 MiB round trip first: the first pass through this code pays for JIT compilation.
    const warm = await openStream(sealStream([block], sealOptions), openOptions);
    for await (const _ of warm.content);

    await mkdir(join(ctx.dir, 'frames'), { recursive: true });
    const path = join(ctx.dir, 'frames', 'stream.ferry');
    const sealStart = performance.now();
    await pipeline(
      Readable.from(sealStream(source(), sealOptions)),
      createWriteStream(path, { highWaterMark: CHUNK }),
    );
    const sealMs = performance.now() - sealStart;

    const openStart = performance.now();
    const opened = await openStream(createReadStream(path, { highWaterMark: CHUNK }), openOptions);
    const received = createHash('sha256');
    let bytes = 0;
    for await (const chunk of opened.content) {
      received.update(chunk);
      bytes += chunk.length;
    }
    const openMs = performance.now() - openStart;
    if (bytes !== total || !received.digest().equals(sent.digest())) {
      throw new Error('the streamed content differs from what was sealed');
    }
    const frameSize = (await stat(path)).size;
    return {
      summary: `${formatBytes(total)}: sealStream → file ${formatRate(total, sealMs)}, file → openStream ${formatRate(total, openMs)}, SHA-256 identical`,
      details: [
        `frame ${formatBytes(frameSize)} on disk, 64 KiB segments, no compression (random content), after a 1 MiB warm-up`,
      ],
    };
  },
};
