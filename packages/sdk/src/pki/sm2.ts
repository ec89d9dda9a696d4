// SM2 (GM/T 0003) through sm-crypto-v2: Node's OpenSSL cannot sign with the standard default ID through a
// documented API and refuses SM2 encryption, so the maintained noble-curves based library does both.
import { sm2 } from 'sm-crypto-v2';

/** The default user ID of GM/T 0009 for SM2 signatures (`1234567812345678`). */
export const SM2_DEFAULT_ID = '1234567812345678';

const toHex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));

/** A raw SM2 key pair: 32-byte private scalar and 65-byte uncompressed public point. */
export interface Sm2RawKeyPair {
  d: Uint8Array;
  publicPoint: Uint8Array;
}

export function sm2GenerateRaw(): Sm2RawKeyPair {
  const { privateKey, publicKey } = sm2.generateKeyPairHex();
  return { d: fromHex(privateKey.padStart(64, '0')), publicPoint: fromHex(publicKey) };
}

export function sm2PublicFromPrivate(d: Uint8Array): Uint8Array {
  return fromHex(sm2.getPublicKeyFromPrivateKey(toHex(d)));
}

/** SM2-with-SM3 signature with the default ID, DER-encoded `SEQUENCE { r, s }` (GM/T 0009). */
export function sm2Sign(message: Uint8Array, d: Uint8Array, publicPoint: Uint8Array): Uint8Array {
  const sig = sm2.doSignature(message, toHex(d), {
    hash: true,
    der: true,
    publicKey: toHex(publicPoint),
    userId: SM2_DEFAULT_ID,
  });
  return fromHex(sig);
}

export function sm2Verify(message: Uint8Array, signature: Uint8Array, publicPoint: Uint8Array): boolean {
  // sm-crypto-v2 ignores the tags, lengths and trailing bytes of the DER signature, so one signature would have
  // many accepted encodings (and a certificate many fingerprints): only the canonical one is let through.
  if (!isCanonicalDerSignature(signature)) return false;
  try {
    return sm2.doVerifySignature(message, toHex(signature), toHex(publicPoint), {
      hash: true,
      der: true,
      userId: SM2_DEFAULT_ID,
    });
  } catch {
    return false;
  }
}

/** True for `SEQUENCE { INTEGER r, INTEGER s }` in strict DER with 1..33-byte positive, minimally encoded integers. */
function isCanonicalDerSignature(sig: Uint8Array): boolean {
  if (sig.length < 8 || sig[0] !== 0x30 || sig[1] !== sig.length - 2) return false;
  let offset = 2;
  for (let i = 0; i < 2; i++) {
    const length = sig[offset + 1];
    if (sig[offset] !== 0x02 || length === undefined || length === 0 || length > 33) return false;
    const value = sig.subarray(offset + 2, offset + 2 + length);
    if (value.length !== length || (value[0]! & 0x80) !== 0) return false;
    if (length > 1 && value[0] === 0 && (value[1]! & 0x80) === 0) return false;
    offset += 2 + length;
  }
  return offset === sig.length;
}

/** SM2 public-key encryption (GM/T 0003.4), ciphertext laid out C1‖C3‖C2 with C1 uncompressed (04‖x‖y). */
export function sm2Encrypt(plaintext: Uint8Array, publicPoint: Uint8Array): Uint8Array {
  // cipherMode 1 = C1C3C2; the library omits the 04 prefix of C1, so it is added for the standard layout.
  const hex = sm2.doEncrypt(plaintext, toHex(publicPoint), 1);
  return fromHex(`04${hex}`);
}

export function sm2Decrypt(ciphertext: Uint8Array, d: Uint8Array): Uint8Array {
  if (ciphertext.length < 97 || ciphertext[0] !== 0x04) throw new Error('SM2 ciphertext is malformed');
  const out = sm2.doDecrypt(toHex(ciphertext.subarray(1)), toHex(d), 1, { output: 'array' });
  if (!out || out.length === 0) throw new Error('SM2 decryption failed');
  return out;
}
