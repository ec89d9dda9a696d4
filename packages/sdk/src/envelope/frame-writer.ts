// Writes a v1 frame piece by piece (streaming seal) or whole into one buffer (buffered seal); both share every
// byte of logic.
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
  private readonly maxSignatureLength: number;
  private index = 0;
  private started = false;
  private finished = false;

  constructor(
    private readonly header: EnvelopeHeader,
    private readonly suite: Suite,
    contentKey: Uint8Array,
    private readonly signer: PrivateKey,
    /** zlib level when the header says deflate. */
    private readonly deflateLevel = 6,
  ) {
    this.headerBytes = encodeHeader(header);
    this.headerDigest = createHash(suite.hash).update(this.headerBytes).digest();
    this.transcript = createHash(suite.hash);
    this.contentHash = createHash(suite.hash);
    this.cipher = suite.contentCipher(contentKey, this.headerDigest);
    this.maxSignatureLength = maxSignatureLength(signer);
  }

  /** Magic, version, suite, flags, header length and header. */
  start(): Buffer {
    const out = Buffer.allocUnsafe(PREFIX_LENGTH + this.headerBytes.length);
    this.writeStart(out);
    return out;
  }

  /** One data segment carrying up to `header.content.segment` bytes of content: its prefix and sealed bytes. */
  segment(content: Uint8Array): Buffer {
    const plain = this.dataPlaintext(content);
    const out = Buffer.allocUnsafe(this.sealedSegmentLength(plain));
    this.writeSegment(SEGMENT_DATA, plain, out, 0);
    return out;
  }

  /** The final segment (the encrypted inner signature) and the outer signature. */
  finish(): Buffer {
    const inner = this.innerSignature();
    const out = Buffer.allocUnsafeSlow(this.sealedSegmentLength(inner) + 2 + this.maxSignatureLength);
    const end = this.writeEnd(inner, out, 0);
    out.fill(0, end);
    return out.subarray(0, end);
  }

  /**
   * The whole frame of a buffered content in one buffer. Every segment is sealed straight into its place, so
   * each content byte is copied once (from the cipher's output) instead of three times (into a segment buffer,
   * behind its prefix, into the final concatenation): about a quarter of a 1 MiB seal in a profile. Only the
   * signatures' lengths are not known up front (ECDSA and SM2 vary by a byte or two): room for the longest is
   * reserved, and the unused bytes are zeroed and cut off.
   */
  whole(content: Uint8Array): Buffer {
    const size = this.header.content.segment;
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < content.length; at += size) chunks.push(content.subarray(at, at + size));
    // Deflated segments are sized only once compressed; uncompressed ones are hashed as they are sealed.
    const plains =
      this.header.content.compression === 'deflate' ? chunks.map((c) => this.dataPlaintext(c)) : undefined;
    let length = PREFIX_LENGTH + this.headerBytes.length;
    for (const plain of plains ?? chunks) length += this.sealedSegmentLength(plain);
    // The final segment holds the inner signature: at most as long as the outer one.
    const room = length + SEGMENT_PREFIX_LENGTH + this.suite.tagLength + 2 + 2 * this.maxSignatureLength;
    const out = Buffer.allocUnsafeSlow(room); // its own memory: never a slice of Node's shared buffer pool
    let at = this.writeStart(out);
    for (let i = 0; i < chunks.length; i++) {
      at = this.writeSegment(SEGMENT_DATA, plains ? plains[i]! : this.dataPlaintext(chunks[i]!), out, at);
    }
    const end = this.writeEnd(this.innerSignature(), out, at);
    out.fill(0, end); // never hand out uninitialised memory, even past the end of the view
    return out.subarray(0, end);
  }

  /** Hashes a content chunk and returns the plaintext of its data segment (compressed when the header says so). */
  private dataPlaintext(content: Uint8Array): Uint8Array {
    if (this.finished) throw new Error('frame already finished');
    if (content.length === 0) throw new Error('empty data segments are not written');
    this.contentHash.update(content);
    return this.header.content.compression === 'deflate'
      ? deflateRawSync(content, { level: this.deflateLevel })
      : content;
  }

  private sealedSegmentLength(plain: Uint8Array): number {
    return SEGMENT_PREFIX_LENGTH + plain.length + this.suite.tagLength;
  }

  private innerSignature(): Uint8Array {
    if (this.finished) throw new Error('frame already finished');
    this.finished = true;
    return signBytes(
      this.signer,
      Buffer.concat([INNER_CONTEXT, this.headerDigest, this.contentHash.digest()]),
    );
  }

  /** Writes prefix and header at the start of `out`; returns the offset after them. */
  private writeStart(out: Buffer): number {
    if (this.started) throw new Error('frame already started');
    this.started = true;
    out.set(MAGIC, 0);
    out[4] = FORMAT_VERSION;
    out[5] = this.suite.frameId;
    out.writeUInt16BE(0, 6);
    out.writeUInt32BE(this.headerBytes.length, 8);
    out.set(this.headerBytes, PREFIX_LENGTH);
    const end = PREFIX_LENGTH + this.headerBytes.length;
    this.transcript.update(out.subarray(0, end));
    return end;
  }

  /** Writes one segment (prefix and sealed bytes) at `at`; returns the offset after it. */
  private writeSegment(flag: number, plain: Uint8Array, out: Buffer, at: number): number {
    out[at] = flag;
    out.writeUInt32BE(plain.length + this.suite.tagLength, at + 1);
    const end = this.cipher.sealInto(
      this.index++,
      flag === SEGMENT_FINAL,
      plain,
      out,
      at + SEGMENT_PREFIX_LENGTH,
    );
    this.transcript.update(out.subarray(at, end));
    return end;
  }

  /** Writes the final segment and the outer signature at `at`; returns the end of the frame. */
  private writeEnd(innerSignature: Uint8Array, out: Buffer, at: number): number {
    const end = this.writeSegment(SEGMENT_FINAL, innerSignature, out, at);
    const outer = signBytes(this.signer, Buffer.concat([OUTER_CONTEXT, this.transcript.digest()]));
    if (outer.length > this.maxSignatureLength) throw new Error('signature longer than its key allows');
    out.writeUInt16BE(outer.length, end);
    out.set(outer, end + 2);
    return end + 2 + outer.length;
  }
}

/**
 * The longest signature a key makes: RSA signatures are as long as the modulus; ECDSA P-256 and SM2 signatures
 * are DER `SEQUENCE { r, s }` of two INTEGERs of at most 33 bytes, at most 72 bytes.
 */
function maxSignatureLength(key: PrivateKey): number {
  if (key.algorithm === 'rsa')
    return Math.ceil((key.keyObject?.asymmetricKeyDetails?.modulusLength ?? 16384) / 8);
  return 72;
}
