// Signature schemes, one per key algorithm and use, all from node:crypto except SM2 (see sm2.ts).
import { constants, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { FerryError } from '../errors/index.js';
import type { PrivateKey, PublicKey } from './keys.js';
import { sm2Sign, sm2Verify } from './sm2.js';

/**
 * A signature scheme. Envelopes use the first three; certificates and CSRs signed by RSA keys use
 * `rsa-pkcs1-sha256` because every X.509 consumer verifies it.
 */
export type SignatureScheme = 'rsa-pss-sha256' | 'ecdsa-p256-sha256' | 'sm2-sm3' | 'rsa-pkcs1-sha256';

/** The scheme an envelope signature uses for a key of this algorithm. */
export function envelopeSchemeFor(key: PrivateKey | PublicKey): SignatureScheme {
  switch (key.algorithm) {
    case 'rsa':
      return 'rsa-pss-sha256';
    case 'ec-p256':
      return 'ecdsa-p256-sha256';
    case 'sm2':
      return 'sm2-sm3';
  }
}

/** The scheme a certificate or CSR signed by a key of this algorithm uses. */
export function certificateSchemeFor(key: PrivateKey | PublicKey): SignatureScheme {
  return key.algorithm === 'rsa' ? 'rsa-pkcs1-sha256' : envelopeSchemeFor(key);
}

function checkKey(key: PrivateKey | PublicKey, scheme: SignatureScheme): void {
  const want = scheme.startsWith('rsa') ? 'rsa' : scheme === 'sm2-sm3' ? 'sm2' : 'ec-p256';
  if (key.algorithm !== want) {
    throw new FerryError('FERRY_KEY_INVALID', `A ${key.algorithm} key cannot make ${scheme} signatures`);
  }
}

/**
 * Signs `data` (hashing it as the scheme says). ECDSA and SM2 signatures are DER `SEQUENCE { r, s }`.
 */
export function signBytes(
  key: PrivateKey,
  data: Uint8Array,
  scheme: SignatureScheme = envelopeSchemeFor(key),
): Uint8Array {
  checkKey(key, scheme);
  switch (scheme) {
    case 'rsa-pss-sha256':
      return nodeSign('sha256', data, {
        key: key.keyObject!,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
    case 'rsa-pkcs1-sha256':
      return nodeSign('sha256', data, { key: key.keyObject!, padding: constants.RSA_PKCS1_PADDING });
    case 'ecdsa-p256-sha256':
      return nodeSign('sha256', data, { key: key.keyObject!, dsaEncoding: 'der' });
    case 'sm2-sm3':
      return sm2Sign(data, key.sm2Scalar!, key.publicKey.sm2Point!);
  }
}

/** Verifies a signature made by {@link signBytes}. Never throws for a bad signature: returns false. */
export function verifyBytes(
  key: PublicKey,
  data: Uint8Array,
  signature: Uint8Array,
  scheme: SignatureScheme = envelopeSchemeFor(key),
): boolean {
  checkKey(key, scheme);
  try {
    switch (scheme) {
      case 'rsa-pss-sha256':
        return nodeVerify(
          'sha256',
          data,
          { key: key.keyObject!, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
          signature,
        );
      case 'rsa-pkcs1-sha256':
        return nodeVerify(
          'sha256',
          data,
          { key: key.keyObject!, padding: constants.RSA_PKCS1_PADDING },
          signature,
        );
      case 'ecdsa-p256-sha256':
        return nodeVerify('sha256', data, { key: key.keyObject!, dsaEncoding: 'der' }, signature);
      case 'sm2-sm3':
        return sm2Verify(data, signature, key.sm2Point!);
    }
  } catch {
    return false;
  }
}
