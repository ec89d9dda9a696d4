// PKCS#10 certification requests (CSRs), written and read with @peculiar/asn1-csr for all three key algorithms.
import { Attributes, CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { FerryError } from '../errors/index.js';
import { assertSingleDer, signedStructureDer, toArrayBuffer } from './der.js';
import { PrivateKey, type PublicKey, publicKeyFromSpki } from './keys.js';
import { buildName, type DistinguishedName, describeName, type SubjectInput } from './name.js';
import { derToPem, type PemInput, pemToDer } from './pem.js';
import {
  isSupportedSignatureAlgorithm,
  signatureAlgorithmFor,
  signToBeSigned,
  verifyToBeSigned,
} from './signed-data.js';

export type { SubjectInput } from './name.js';

const CSR_LABELS = ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'];

/** A parsed PKCS#10 certification request (CSR). */
export class CertificateRequest {
  /** DER encoding, exactly as parsed. */
  readonly der: Uint8Array;
  /** The requested subject. Its `departmentCode` is the `organizationIdentifier` (2.5.4.97) attribute. */
  readonly subject: DistinguishedName;
  /** The key to certify. */
  readonly publicKey: PublicKey;
  /** OID of the signature algorithm. */
  readonly signatureAlgorithm: string;
  readonly #info: Uint8Array;
  readonly #signature: Uint8Array;

  private constructor(der: Uint8Array) {
    assertSingleDer(der, 'FERRY_CERT_INVALID', 'certificate request');
    let asn: CertificationRequest;
    try {
      asn = AsnConvert.parse(der, CertificationRequest);
    } catch (cause) {
      throw new FerryError('FERRY_CERT_INVALID', 'The certificate request is not a valid PKCS#10 structure', {
        cause,
      });
    }
    if (!asn.certificationRequestInfoRaw || asn.certificationRequestInfo.version !== 0) {
      throw new FerryError('FERRY_CERT_INVALID', 'The certificate request is not a PKCS#10 v1 request');
    }
    if (!isSupportedSignatureAlgorithm(asn.signatureAlgorithm)) {
      throw new FerryError(
        'FERRY_CERT_INVALID',
        `Unsupported CSR signature algorithm ${asn.signatureAlgorithm.algorithm}`,
      );
    }
    const canonical = signedStructureDer(
      new Uint8Array(asn.certificationRequestInfoRaw),
      new Uint8Array(AsnConvert.serialize(asn.signatureAlgorithm)),
      new Uint8Array(asn.signature),
    );
    if (!Buffer.from(canonical).equals(Buffer.from(der))) {
      throw new FerryError('FERRY_CERT_INVALID', 'The certificate request is not DER-encoded');
    }
    this.der = der.slice();
    this.subject = describeName(asn.certificationRequestInfo.subject);
    this.signatureAlgorithm = asn.signatureAlgorithm.algorithm;
    this.#info = new Uint8Array(asn.certificationRequestInfoRaw).slice();
    this.#signature = new Uint8Array(asn.signature).slice();
    try {
      this.publicKey = publicKeyFromSpki(
        new Uint8Array(AsnConvert.serialize(asn.certificationRequestInfo.subjectPKInfo)),
      );
    } catch (cause) {
      throw new FerryError(
        'FERRY_CERT_INVALID',
        'The CSR public key is not supported (use RSA, EC P-256 or SM2)',
        {
          cause,
        },
      );
    }
  }

  /**
   * Parses a CSR from PEM (`CERTIFICATE REQUEST`) or DER. Throws `FERRY_CERT_INVALID` on bad input.
   * Parsing does not check the signature: call {@link CertificateRequest.verifySignature}
   * (`issueCertificate` does).
   *
   * @example
   * ```ts
   * const csr = CertificateRequest.parse(await fs.readFile('dept.csr'));
   * if (!csr.verifySignature()) throw new Error('tampered CSR');
   * console.log(csr.subject.departmentCode);
   * ```
   */
  static parse(input: PemInput): CertificateRequest {
    let der: Uint8Array;
    try {
      der = pemToDer(input, CSR_LABELS);
    } catch (cause) {
      throw new FerryError(
        'FERRY_CERT_INVALID',
        'No CSR found: expected PEM CERTIFICATE REQUEST or DER bytes',
        {
          cause,
        },
      );
    }
    return new CertificateRequest(der);
  }

  /**
   * True when the CSR is signed by the private key of its own public key (proof of possession).
   *
   * @example
   * ```ts
   * if (!csr.verifySignature()) throw new Error('the requester does not hold the key');
   * ```
   */
  verifySignature(): boolean {
    return verifyToBeSigned(this.publicKey, this.signatureAlgorithm, this.#info, this.#signature);
  }

  /**
   * PEM `CERTIFICATE REQUEST`.
   *
   * @example
   * ```ts
   * await fs.writeFile('dept.csr', csr.toPem());
   * ```
   */
  toPem(): string {
    return derToPem(this.der, 'CERTIFICATE REQUEST');
  }
}

/**
 * Creates a CSR for `key`, signed by it (SM2 keys sign with SM2-with-SM3 and the default ID, RSA keys with
 * sha256WithRSAEncryption, EC keys with ecdsa-with-SHA256). The department code goes in
 * `subject.departmentCode` and is written as `organizationIdentifier` (2.5.4.97).
 *
 * @example
 * ```ts
 * const key = generateKeyPair('sm2');
 * const csr = createCsr({
 *   key,
 *   subject: { commonName: '市数据局前置机', organization: '某市大数据局', country: 'CN', departmentCode: '11110000000000000X' },
 * });
 * await fs.writeFile('dept.csr', csr.toPem());
 * ```
 */
export function createCsr(options: { key: PrivateKey; subject: SubjectInput }): CertificateRequest {
  if (!options || !(options.key instanceof PrivateKey)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'createCsr needs options.key (a PrivateKey)');
  }
  const { key } = options;
  const info = new CertificationRequestInfo({
    version: 0,
    subject: buildName(options.subject),
    subjectPKInfo: AsnConvert.parse(key.publicKey.spki, SubjectPublicKeyInfo),
    attributes: new Attributes(),
  });
  const infoDer = new Uint8Array(AsnConvert.serialize(info));
  const request = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: signatureAlgorithmFor(key),
    signature: toArrayBuffer(signToBeSigned(key, infoDer)),
  });
  return CertificateRequest.parse(new Uint8Array(AsnConvert.serialize(request)));
}
