import { createHash } from 'node:crypto';
import { FerryError } from '../errors/index.js';
import { ByteReader } from './byte-reader.js';
import { DEFAULT_MAX_AGE_MS, PREFIX_LENGTH, SEGMENT_PREFIX_LENGTH } from './constants.js';
import { decodeHeader, type EnvelopeHeader } from './header.js';
import type { OpenOptions } from './open.js';
import { maxSealedSegment, parsePrefix, parseSegmentPrefix } from './parse-frame.js';
import { checkPolicy, type EnvelopeSender } from './policy.js';
import { checkReplay, SegmentOpener, unwrapContentKey, verifyOuterSignature } from './receiver.js';

/**
 * An envelope being opened as a stream. Its header and sender are checked; iterate `content` to decrypt.
 *
 * Content chunks are authenticated segment by segment, but the sender's signatures are checked only when
 * the last chunk has been read: treat the content as provisional (write it to a transaction or a temp
 * file) until the iteration completes without throwing.
 */
export interface OpenedStream {
  header: EnvelopeHeader;
  sender: EnvelopeSender;
  /** Decrypted content chunks; single use. Throws a FerryError on any failure, at the point it is found. */
  content: AsyncIterable<Uint8Array>;
}

/**
 * Opens an envelope frame from a stream of chunks, for frames larger than memory comfortably holds.
 *
 * @example
 * ```ts
 * const opened = await openStream(createReadStream('export.ferry'), { me, trust });
 * const out = createWriteStream('export.ndjson.partial');
 * for await (const chunk of opened.content) out.write(chunk);
 * out.end(); // only now is the content proven: rename the file into place
 * ```
 */
export async function openStream(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: OpenOptions,
): Promise<OpenedStream> {
  const reader = new ByteReader(source);
  const prefix = await reader.read(PREFIX_LENGTH, 'the frame prefix');
  const { suite, headerLength } = parsePrefix(prefix);
  const headerBytes = await reader.read(headerLength, 'the header');
  const header = decodeHeader(headerBytes, PREFIX_LENGTH);
  const sender = checkPolicy(header, suite, options);
  const contentKey = unwrapContentKey(suite, header, options.me);
  await checkReplay(options.replay, header.id);
  const transcript = createHash(suite.hash).update(prefix).update(headerBytes);
  const opener = new SegmentOpener(suite, header, headerBytes, contentKey);
  const limit = maxSealedSegment(header, suite);
  const maxFrame = options.maxFrameBytes ?? Number.POSITIVE_INFINITY;
  let consumed = false;

  async function* content(): AsyncGenerator<Uint8Array, void, undefined> {
    if (consumed)
      throw new FerryError('FERRY_INVALID_ARGUMENT', 'The content of an opened stream can be read once');
    consumed = true;
    try {
      for (;;) {
        const at = reader.offset;
        const segPrefix = await reader.read(SEGMENT_PREFIX_LENGTH, 'a segment prefix');
        const { final, length } = parseSegmentPrefix(segPrefix, at, limit, suite.tagLength);
        if (reader.offset + length > maxFrame) {
          throw new FerryError(
            'FERRY_ENVELOPE_TOO_LARGE',
            `The envelope exceeds the limit of ${maxFrame} bytes`,
          );
        }
        const sealed = await reader.read(length, 'a segment');
        transcript.update(segPrefix).update(sealed);
        if (final) {
          opener.final(sealed, sender.certificate.publicKey);
          break;
        }
        yield opener.data(sealed);
      }
      const sigLength = (await reader.read(2, 'the signature length')).readUInt16BE(0);
      if (sigLength === 0)
        throw new FerryError('FERRY_ENVELOPE_TRUNCATED', 'The frame has an empty signature');
      if (reader.offset + sigLength > maxFrame) {
        throw new FerryError(
          'FERRY_ENVELOPE_TOO_LARGE',
          `The envelope exceeds the limit of ${maxFrame} bytes`,
        );
      }
      const signature = await reader.read(sigLength, 'the signature');
      if (!(await reader.atEnd())) {
        throw new FerryError('FERRY_ENVELOPE_TRAILING_DATA', 'Bytes follow the end of the envelope', {
          location: { offset: reader.offset },
        });
      }
      verifyOuterSignature(suite, sender.certificate.publicKey, transcript.digest(), signature);
      if (options.replay)
        await options.replay.remember(header.id, header.iat + (options.maxAgeMs ?? DEFAULT_MAX_AGE_MS));
    } finally {
      await reader.close();
    }
  }

  // An iterable rather than the generator itself, so that a second iteration fails instead of silently ending.
  return { header, sender, content: { [Symbol.asyncIterator]: () => content() } };
}
