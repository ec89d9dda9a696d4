// Small byte helpers shared by the X.509 files: hex conversion and a strict "exactly one DER value" check.

import type { FerryErrorCode } from '../errors/index.js';
import { FerryError } from '../errors/index.js';

/** Lowercase hex of bytes. */
export function toHex(bytes: Uint8Array | ArrayBuffer): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('hex');
}

/** Copies bytes into a fresh `ArrayBuffer`, the form @peculiar/asn1-schema expects for BIT and OCTET STRINGs. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

/**
 * Throws `code` unless `der` is exactly one DER TLV with a definite length, so that trailing garbage or a
 * truncated value is never silently accepted (the ASN.1 parser ignores bytes after the first value).
 */
export function assertSingleDer(der: Uint8Array, code: FerryErrorCode, what: string): void {
  const fail = (): never => {
    throw new FerryError(code, `The ${what} is not a single DER value`);
  };
  if (der.length < 2 || der[0] !== 0x30) fail();
  const first = der[1]!;
  let length: number;
  let header: number;
  if (first < 0x80) {
    length = first;
    header = 2;
  } else {
    const n = first & 0x7f;
    if (n === 0 || n > 4 || der.length < 2 + n) fail();
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + der[2 + i]!;
    header = 2 + n;
  }
  if (header + length !== der.length) fail();
}

/**
 * Hex of a DER INTEGER's content as a certificate serial number: without the sign-padding zero byte, as
 * OpenSSL and most tools print it.
 */
export function integerToHex(content: ArrayBuffer): string {
  let bytes = new Uint8Array(content);
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  return toHex(bytes);
}

/** DER encoding of a tag and its content (definite length, minimal form). */
export function encodeTlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else {
    const lengthBytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) lengthBytes.unshift(v % 256);
    header = [tag, 0x80 | lengthBytes.length, ...lengthBytes];
  }
  const out = new Uint8Array(header.length + n);
  out.set(header, 0);
  out.set(content, header.length);
  return out;
}

/**
 * The DER of a signed structure (`SEQUENCE { toBeSigned, AlgorithmIdentifier, BIT STRING }`) rebuilt from its
 * parts. Comparing it with the input rejects alternative encodings of the unsigned wrapper (another tag class,
 * non-zero unused bits, long-form lengths): the ASN.1 parser tolerates them, and they would let anyone make a
 * second, differently fingerprinted copy of a certificate that still verifies.
 */
export function signedStructureDer(
  toBeSigned: Uint8Array,
  algorithm: Uint8Array,
  signature: Uint8Array,
): Uint8Array {
  const bitString = encodeTlv(0x03, Buffer.concat([Buffer.from([0]), signature]));
  return encodeTlv(0x30, Buffer.concat([toBeSigned, algorithm, bitString]));
}
