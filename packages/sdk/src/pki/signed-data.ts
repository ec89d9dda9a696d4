// The signature on a certificate or CSR: which AlgorithmIdentifier a key writes, and checking one we read.
// Every signature goes through signBytes/verifyBytes, so SM2 certificates use SM2-with-SM3 and the default ID.
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import type { KeyAlgorithm, PrivateKey, PublicKey } from './keys.js';
import { OID } from './oids.js';
import { certificateSchemeFor, type SignatureScheme, signBytes, verifyBytes } from './signature.js';

const DER_NULL = new Uint8Array([0x05, 0x00]);

const BY_OID: Record<string, { algorithm: KeyAlgorithm; scheme: SignatureScheme }> = {
  [OID.sha256WithRSAEncryption]: { algorithm: 'rsa', scheme: 'rsa-pkcs1-sha256' },
  [OID.ecdsaWithSHA256]: { algorithm: 'ec-p256', scheme: 'ecdsa-p256-sha256' },
  [OID.sm2WithSm3]: { algorithm: 'sm2', scheme: 'sm2-sm3' },
};

/**
 * The signature AlgorithmIdentifier a key of this algorithm writes: sha256WithRSAEncryption (parameters NULL,
 * RFC 4055), ecdsa-with-SHA256 or SM2-with-SM3 (1.2.156.10197.1.501), the last two without parameters.
 */
export function signatureAlgorithmFor(key: PrivateKey | PublicKey): AlgorithmIdentifier {
  switch (key.algorithm) {
    case 'rsa':
      return new AlgorithmIdentifier({
        algorithm: OID.sha256WithRSAEncryption,
        parameters: DER_NULL.slice().buffer,
      });
    case 'ec-p256':
      return new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSHA256 });
    case 'sm2':
      return new AlgorithmIdentifier({ algorithm: OID.sm2WithSm3 });
  }
}

/** True when Ferry can verify signatures with this AlgorithmIdentifier (known OID, parameters as RFCs require). */
export function isSupportedSignatureAlgorithm(alg: AlgorithmIdentifier): boolean {
  const known = BY_OID[alg.algorithm];
  if (!known) return false;
  const params = alg.parameters ? new Uint8Array(alg.parameters) : undefined;
  if (known.algorithm === 'rsa') return params === undefined || Buffer.from(params).equals(DER_NULL);
  return params === undefined;
}

/** Signs the DER of a TBSCertificate or CertificationRequestInfo with the key's certificate scheme. */
export function signToBeSigned(key: PrivateKey, tbs: Uint8Array): Uint8Array {
  return signBytes(key, tbs, certificateSchemeFor(key));
}

/**
 * Verifies a certificate or CSR signature. False (never an exception) when the signature does not verify,
 * the algorithm is unknown, or it does not belong to the key's algorithm.
 */
export function verifyToBeSigned(
  key: PublicKey,
  signatureAlgorithmOid: string,
  tbs: Uint8Array,
  signature: Uint8Array,
): boolean {
  const known = BY_OID[signatureAlgorithmOid];
  if (!known || known.algorithm !== key.algorithm) return false;
  return verifyBytes(key, tbs, signature, known.scheme);
}
