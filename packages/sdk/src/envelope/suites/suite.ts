import type { KeyAlgorithm, PrivateKey } from '../../pki/keys.js';
import type { Certificate } from '../../pki/certificate.js';
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
