import { FerryError } from '../errors/index.js';
import { FrameWriter } from './frame-writer.js';
import { prepareSeal, type SealOptions } from './prepare.js';

/** Options for {@link sealStream}: those of `seal`, plus what is known of the content up front. */
export interface SealStreamOptions extends SealOptions {
  /** Row count to announce in the header, when the stream is rows and the count is known. */
  rows?: number;
}

/**
 * Seals a byte stream of any size into an envelope frame, yielding frame chunks as they are ready. Memory
 * use is bounded by the segment size, whatever the stream's length.
 *
 * @example
 * ```ts
 * import { createReadStream, createWriteStream } from 'node:fs';
 * import { Readable } from 'node:stream';
 * import { pipeline } from 'node:stream/promises';
 *
 * const frames = sealStream(createReadStream('export.ndjson'), {
 *   from: me, to: hubCert, resource: '371/000001', stream: { epoch: 2, seq: 0 },
 *   contentType: 'application/x-ndjson',
 * });
 * await pipeline(Readable.from(frames), createWriteStream('export.ferry'));
 * ```
 */
export async function* sealStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: SealStreamOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (options.rows !== undefined && (!Number.isSafeInteger(options.rows) || options.rows < 0)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', '`rows` must be a non-negative integer');
  }
  const { header, suite, contentKey } = prepareSeal(options, {
    type: 'application/octet-stream',
    rows: options.rows ?? null,
  });
  const writer = new FrameWriter(
    header,
    suite,
    contentKey,
    options.from.privateKey,
    options.compressionLevel,
  );
  yield writer.start();
  const size = header.content.segment;
  const pending = Buffer.allocUnsafe(size);
  let filled = 0;
  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let at = 0;
    while (at < chunk.length) {
      const take = Math.min(size - filled, chunk.length - at);
      pending.set(chunk.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === size) {
        yield writer.segment(pending);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield writer.segment(pending.subarray(0, filled));
  yield writer.finish();
}
