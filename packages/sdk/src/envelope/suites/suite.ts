import type { Certificate } from '../../pki/certificate.js';
import type { KeyAlgorithm, PrivateKey } from '../../pki/keys.js';
import type { RecipientEntry, SignatureAlgorithm, SuiteName } from '../header.js';

/** Encrypts and decrypts the segments of one envelope under its content key. */
export interface ContentCipher {
  /** Returns ciphertext ‖ tag for segment `index`. */
  seal(index: number, final: boolean, plaintext: Uint8Array): Uint8Array;
  /**
   * Writes ciphertext ‖ tag for segment `index` into `target` at `offset` and returns the offset after it. The
   * ciphertext is as long as the plaintext, so `plaintext.length + tagLength` bytes must be free there. Lets a
   * writer put segments straight into the frame buffer instead of concatenating them afterwards.
   */
  sealInto(index: number, final: boolean, plaintext: Uint8Array, target: Uint8Array, offset: number): number;
  /** Returns the plaintext, or throws when the segment does not authenticate. */
  open(index: number, final: boolean, sealed: Uint8Array): Uint8Array;
}

/** A cipher suite: which primitives protect an envelope. One object per suite, stateless. */
export interface Suite {
  readonly name: SuiteName;
  /** The suite byte in the frame prefix. */
  readonly frameId: number;
  /** Hash of transcripts, header digests and the inner plaintext digest. */
  readonly hash: 'sha256' | 'sm3';
  /** Authentication tag bytes appended to every segment. */
  readonly tagLength: number;
  /** Key algorithms this suite signs and wraps with. */
  readonly keyAlgorithms: readonly KeyAlgorithm[];
  /** A fresh random content key. */
  generateContentKey(): Uint8Array;
  contentCipher(contentKey: Uint8Array, headerDigest: Uint8Array): ContentCipher;
  /** Wraps the content key for one recipient certificate (without `dept`/`kid`, which the caller adds). */
  wrapKey(contentKey: Uint8Array, recipient: Certificate, kid: string): Omit<RecipientEntry, 'dept' | 'kid'>;
  /** Unwraps this receiver's copy of the content key; throws on any failure. */
  unwrapKey(entry: RecipientEntry, key: PrivateKey): Uint8Array;
  signatureAlgorithm(keyAlgorithm: KeyAlgorithm): SignatureAlgorithm;
}

/**
 * Piece size of `cipher.update()` calls when sealing into a frame. Every update() returns a new buffer (Node 20
 * allocates it a byte longer than the input and then copies it into one of the exact size), garbage as soon as it
 * is copied into the frame. In pieces, those buffers stay small enough for the malloc heap to hand the same
 * memory back call after call, and the bytes are still in cache when they are copied. Measured at 1 MiB (one
 * segment; CPU time, garbage collected between batches as bench/envelope.ts does): median seal 0.75–0.77 of
 * direct node:crypto with 64 KiB pieces, 0.41–0.62 with one update() per segment.
 */
const UPDATE_PIECE = 64 * 1024;

/** A node:crypto Cipher. */
interface StreamCipher {
  update(data: Uint8Array): Buffer;
  final(): Buffer;
}

/**
 * Runs `input` through a stream-mode `cipher` (GCM, CTR) in pieces, writing the output to `target` at `offset`;
 * returns the end.
 */
export function updateInto(
  cipher: StreamCipher,
  input: Uint8Array,
  target: Uint8Array,
  offset: number,
): number {
  let at = offset;
  for (let from = 0; from < input.length; from += UPDATE_PIECE) {
    const piece = cipher.update(input.subarray(from, from + UPDATE_PIECE));
    target.set(piece, at);
    at += piece.length;
  }
  const tail = cipher.final(); // stream modes (GCM, CTR): nothing
  target.set(tail, at);
  return at + tail.length;
}

/** AAD of a segment: header digest ‖ u64 index ‖ u8 final flag. */
export function segmentAad(headerDigest: Uint8Array, index: number, final: boolean): Buffer {
  const aad = Buffer.alloc(headerDigest.length + 9);
  aad.set(headerDigest, 0);
  aad.writeBigUInt64BE(BigInt(index), headerDigest.length);
  aad[headerDigest.length + 8] = final ? 1 : 0;
  return aad;
}

export const b64url = {
  encode: (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url'),
  decode: (text: string): Buffer => Buffer.from(text, 'base64url'),
};
