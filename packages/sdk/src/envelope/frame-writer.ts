// Writes a v1 frame piece by piece, so that a buffer seal and a streaming seal share every byte of logic.
import { createHash, type Hash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { PrivateKey } from '../pki/keys.js';
import { signBytes } from '../pki/signature.js';
import {
  FORMAT_VERSION,
  INNER_CONTEXT,
  MAGIC,
  OUTER_CONTEXT,
  PREFIX_LENGTH,
  SEGMENT_DATA,
  SEGMENT_FINAL,
  SEGMENT_PREFIX_LENGTH,
} from './constants.js';
import { type EnvelopeHeader, encodeHeader } from './header.js';
import type { ContentCipher, Suite } from './suites/index.js';

export class FrameWriter {
  private readonly transcript: Hash;
  private readonly contentHash: Hash;
  private readonly cipher: ContentCipher;
  private readonly headerBytes: Uint8Array;
  private readonly headerDigest: Buffer;
  private index = 0;
  private finished = false;

  constructor(
    private readonly header: EnvelopeHeader,
    private readonly suite: Suite,
    contentKey: Uint8Array,
    private readonly signer: PrivateKey,
  ) {
    this.headerBytes = encodeHeader(header);
    this.headerDigest = createHash(suite.hash).update(this.headerBytes).digest();
    this.transcript = createHash(suite.hash);
    this.contentHash = createHash(suite.hash);
    this.cipher = suite.contentCipher(contentKey, this.headerDigest);
  }

  /** Magic, version, suite, flags, header length and header. */
  start(): Buffer {
    const out = Buffer.allocUnsafe(PREFIX_LENGTH + this.headerBytes.length);
    out.set(MAGIC, 0);
    out[4] = FORMAT_VERSION;
    out[5] = this.suite.frameId;
    out.writeUInt16BE(0, 6);
    out.writeUInt32BE(this.headerBytes.length, 8);
    out.set(this.headerBytes, PREFIX_LENGTH);
    this.transcript.update(out);
    return out;
  }

  /** One data segment carrying up to `header.content.segment` bytes of content. */
  segment(content: Uint8Array): Buffer {
    if (this.finished) throw new Error('frame already finished');
    if (content.length === 0) throw new Error('empty data segments are not written');
    this.contentHash.update(content);
    const plain = this.header.content.compression === 'deflate' ? deflateRawSync(content) : content;
    return this.emit(SEGMENT_DATA, plain);
  }

  /** The final segment (the encrypted inner signature) and the outer signature. */
  finish(): Buffer {
    if (this.finished) throw new Error('frame already finished');
    this.finished = true;
    const innerMessage = Buffer.concat([INNER_CONTEXT, this.headerDigest, this.contentHash.digest()]);
    const finalSegment = this.emit(SEGMENT_FINAL, signBytes(this.signer, innerMessage));
    const outer = signBytes(this.signer, Buffer.concat([OUTER_CONTEXT, this.transcript.digest()]));
    const trailer = Buffer.allocUnsafe(2 + outer.length);
    trailer.writeUInt16BE(outer.length, 0);
    trailer.set(outer, 2);
    return Buffer.concat([finalSegment, trailer]);
  }

  private emit(flag: number, plain: Uint8Array): Buffer {
    const sealed = this.cipher.seal(this.index++, flag === SEGMENT_FINAL, plain);
    const prefix = Buffer.allocUnsafe(SEGMENT_PREFIX_LENGTH);
    prefix[0] = flag;
    prefix.writeUInt32BE(sealed.length, 1);
    this.transcript.update(prefix);
    this.transcript.update(sealed);
    return Buffer.concat([prefix, sealed]);
  }
}
