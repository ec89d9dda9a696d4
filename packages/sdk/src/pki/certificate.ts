// X.509 certificates, parsed with @peculiar/asn1-x509 so that RSA, EC P-256 and SM2 certificates are read the
// same way (node-forge only understands RSA certificates).
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  Certificate as AsnCertificate,
  KeyUsage as AsnKeyUsage,
  AuthorityKeyIdentifier,
  BasicConstraints,
  ExtendedKeyUsage,
  SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { FerryError } from '../errors/index.js';
import { assertSingleDer, integerToHex, signedStructureDer, toHex } from './der.js';
import { type PublicKey, publicKeyFromSpki } from './keys.js';
import { type DistinguishedName, describeName, nameKey } from './name.js';
import { OID } from './oids.js';
import { derToPem, type PemInput, pemBlocks, pemToDer } from './pem.js';
import { isSupportedSignatureAlgorithm } from './signed-data.js';

export type { DistinguishedName } from './name.js';

/** A key usage bit of the X.509 `keyUsage` extension (RFC 5280 §4.2.1.3). */
export type KeyUsage =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign';

/** Bit order of the `KeyUsage` BIT STRING; encipherOnly/decipherOnly are not used by Ferry and are ignored. */
export const KEY_USAGE_BITS: readonly KeyUsage[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
];

/** One extension of a certificate, as found. */
export interface CertificateExtension {
  /** Extension OID, e.g. `2.5.29.15`. */
  oid: string;
  critical: boolean;
  /** DER of the extension value (the content of `extnValue`). */
  value: Uint8Array;
}

const CERTIFICATE_LABELS = ['CERTIFICATE', 'X509 CERTIFICATE'];

/**
 * An X.509 v3 certificate (RSA, EC P-256 or SM2). Immutable; create one with {@link Certificate.parse},
 * {@link loadCertificates} or the issuing functions.
 *
 * The department code (统一社会信用代码 or 部门代码) of a Ferry department certificate is the subject's
 * `organizationIdentifier` attribute (OID 2.5.4.97, UTF8String), exposed as {@link Certificate.departmentCode}.
 */
export class Certificate {
  /** DER encoding, exactly as parsed. */
  readonly der: Uint8Array;
  /** Lowercase hex SHA-256 of {@link Certificate.der}, without separators. */
  readonly fingerprint: string;
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  /** Serial number, lowercase hex without the sign-padding zero byte. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: PublicKey;
  /** Key usage bits; empty when the certificate has no key usage extension. */
  readonly keyUsage: KeyUsage[];
  /** Extended key usage OIDs; empty when the extension is absent. */
  readonly extendedKeyUsage: string[];
  /** True when basicConstraints says `cA: TRUE`. */
  readonly isCA: boolean;
  /** basicConstraints `pathLenConstraint`, when present. */
  readonly pathLength: number | undefined;
  /** The subject's `organizationIdentifier` (2.5.4.97): the department code (统一社会信用代码 or 部门代码). */
  readonly departmentCode: string | undefined;
  /** Subject key identifier, lowercase hex. */
  readonly subjectKeyId: string | undefined;
  /** Key identifier of the authority key identifier extension, lowercase hex. */
  readonly authorityKeyId: string | undefined;
  /** DER of the TBSCertificate: the bytes the issuer signed. */
  readonly tbs: Uint8Array;
  /** OID of the signature algorithm, e.g. `1.2.156.10197.1.501` (SM2-with-SM3). */
  readonly signatureAlgorithm: string;
  /** The issuer's signature (for ECDSA and SM2: DER `SEQUENCE { r, s }`). */
  readonly signature: Uint8Array;
  /** All extensions in order. */
  readonly extensions: readonly CertificateExtension[];

  private constructor(der: Uint8Array) {
    assertSingleDer(der, 'FERRY_CERT_INVALID', 'certificate');
    let asn: AsnCertificate;
    try {
      asn = AsnConvert.parse(der, AsnCertificate);
    } catch (cause) {
      throw new FerryError('FERRY_CERT_INVALID', 'The certificate is not a valid X.509 structure', { cause });
    }
    const tbs = asn.tbsCertificate;
    if (!asn.tbsCertificateRaw)
      throw new FerryError('FERRY_CERT_INVALID', 'The certificate has no TBSCertificate');
    if (
      tbs.signature.algorithm !== asn.signatureAlgorithm.algorithm ||
      !sameParameters(tbs.signature.parameters, asn.signatureAlgorithm.parameters)
    ) {
      // RFC 5280 §4.1.1.2: both copies of the algorithm must match, or an attacker could swap one.
      throw new FerryError('FERRY_CERT_INVALID', 'The certificate signature algorithm fields disagree');
    }
    if (!isSupportedSignatureAlgorithm(asn.signatureAlgorithm)) {
      throw new FerryError(
        'FERRY_CERT_INVALID',
        `Unsupported certificate signature algorithm ${asn.signatureAlgorithm.algorithm}: Ferry accepts sha256WithRSAEncryption, ecdsa-with-SHA256 and SM2-with-SM3`,
      );
    }
    const canonical = signedStructureDer(
      new Uint8Array(asn.tbsCertificateRaw),
      new Uint8Array(AsnConvert.serialize(asn.signatureAlgorithm)),
      new Uint8Array(asn.signatureValue),
    );
    if (!Buffer.from(canonical).equals(Buffer.from(der))) {
      throw new FerryError('FERRY_CERT_INVALID', 'The certificate is not DER-encoded');
    }
    this.der = der.slice();
    this.fingerprint = createHash('sha256').update(this.der).digest('hex');
    this.tbs = new Uint8Array(asn.tbsCertificateRaw).slice();
    this.signatureAlgorithm = asn.signatureAlgorithm.algorithm;
    this.signature = new Uint8Array(asn.signatureValue).slice();
    this.serialNumber = integerToHex(tbs.serialNumber);
    this.subject = Object.freeze(describeName(tbs.subject));
    this.issuer = Object.freeze(describeName(tbs.issuer));
    NAME_KEYS.set(this, { subject: nameKey(tbs.subject), issuer: nameKey(tbs.issuer) });
    this.departmentCode = this.subject.departmentCode;
    try {
      this.notBefore = tbs.validity.notBefore.getTime();
      this.notAfter = tbs.validity.notAfter.getTime();
    } catch (cause) {
      throw new FerryError('FERRY_CERT_INVALID', 'The certificate validity is not readable', { cause });
    }
    try {
      this.publicKey = publicKeyFromSpki(new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo)));
    } catch (cause) {
      throw new FerryError(
        'FERRY_CERT_INVALID',
        'The certificate public key is not supported (use RSA, EC P-256 or SM2)',
        {
          cause,
        },
      );
    }

    const extensions: CertificateExtension[] = [];
    let keyUsage: KeyUsage[] = [];
    let extendedKeyUsage: string[] = [];
    let isCA = false;
    let pathLength: number | undefined;
    let subjectKeyId: string | undefined;
    let authorityKeyId: string | undefined;
    for (const ext of tbs.extensions ?? []) {
      const value = new Uint8Array(ext.extnValue.buffer).slice();
      if (extensions.some((e) => e.oid === ext.extnID)) {
        throw new FerryError('FERRY_CERT_INVALID', `The certificate repeats extension ${ext.extnID}`);
      }
      extensions.push({ oid: ext.extnID, critical: ext.critical, value });
      try {
        switch (ext.extnID) {
          case OID.keyUsage: {
            const flags = AsnConvert.parse(value, AsnKeyUsage).toNumber();
            keyUsage = KEY_USAGE_BITS.filter((_, bit) => (flags & (1 << bit)) !== 0);
            break;
          }
          case OID.basicConstraints: {
            const bc = AsnConvert.parse(value, BasicConstraints);
            isCA = bc.cA;
            pathLength = bc.pathLenConstraint;
            break;
          }
          case OID.extKeyUsage:
            extendedKeyUsage = [...AsnConvert.parse(value, ExtendedKeyUsage)];
            break;
          case OID.subjectKeyIdentifier:
            subjectKeyId = toHex(AsnConvert.parse(value, SubjectKeyIdentifier).buffer);
            break;
          case OID.authorityKeyIdentifier: {
            const aki = AsnConvert.parse(value, AuthorityKeyIdentifier);
            if (aki.keyIdentifier) authorityKeyId = toHex(aki.keyIdentifier.buffer);
            break;
          }
        }
      } catch (cause) {
        throw new FerryError('FERRY_CERT_INVALID', `The certificate extension ${ext.extnID} is malformed`, {
          cause,
        });
      }
    }
    // Frozen so that a Certificate shared between callers cannot be altered by one of them.
    this.extensions = Object.freeze(extensions.map((e) => Object.freeze(e)));
    this.keyUsage = Object.freeze(keyUsage) as KeyUsage[];
    this.extendedKeyUsage = Object.freeze(extendedKeyUsage) as string[];
    this.isCA = isCA;
    this.pathLength = pathLength;
    this.subjectKeyId = subjectKeyId;
    this.authorityKeyId = authorityKeyId;
  }

  /**
   * Parses a certificate: the first `CERTIFICATE` block of PEM text or bytes, or DER bytes.
   * Throws `FERRY_CERT_INVALID` when the input is not a certificate Ferry can use.
   *
   * @example
   * ```ts
   * const cert = Certificate.parse(await fs.readFile('dept.crt'));
   * console.log(cert.subject.text, cert.departmentCode, cert.notAfter.toISOString());
   * ```
   */
  static parse(input: PemInput): Certificate {
    let der: Uint8Array;
    try {
      der = pemToDer(input, CERTIFICATE_LABELS);
    } catch (cause) {
      throw new FerryError(
        'FERRY_CERT_INVALID',
        'No certificate found: expected PEM CERTIFICATE or DER bytes',
        {
          cause,
        },
      );
    }
    return new Certificate(der);
  }

  /**
   * PEM `CERTIFICATE`.
   *
   * @example
   * ```ts
   * await fs.writeFile('dept.crt', cert.toPem());
   * ```
   */
  toPem(): string {
    return derToPem(this.der, 'CERTIFICATE');
  }
}

// Normalised subject and issuer names per certificate, for path building (kept off the public surface).
const NAME_KEYS = new WeakMap<Certificate, { subject: string; issuer: string }>();

/** @internal True when `issuer`'s subject name matches `cert`'s issuer name (RFC 5280 §7.1, simplified). */
export function issuerNameMatches(cert: Certificate, issuer: Certificate): boolean {
  return NAME_KEYS.get(cert)?.issuer === NAME_KEYS.get(issuer)?.subject;
}

/** @internal True when subject and issuer names are the same (a root, or a self-issued certificate). */
export function isSelfIssued(cert: Certificate): boolean {
  return issuerNameMatches(cert, cert);
}

/**
 * Parses every certificate of a PEM bundle, in order (or the single certificate of DER bytes).
 * Throws `FERRY_CERT_INVALID` when there is none or one is malformed.
 *
 * @example
 * ```ts
 * const [leaf, ...chain] = loadCertificates(await fs.readFile('dept-chain.pem'));
 * ```
 */
export function loadCertificates(input: PemInput): Certificate[] {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  if (!text.includes('-----BEGIN')) return [Certificate.parse(input)];
  const blocks = pemBlocks(text).filter((b) => CERTIFICATE_LABELS.includes(b.label));
  if (blocks.length === 0) throw new FerryError('FERRY_CERT_INVALID', 'No PEM CERTIFICATE block was found');
  return blocks.map((b) => Certificate.parse(b.der));
}

function sameParameters(a: ArrayBuffer | null | undefined, b: ArrayBuffer | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return Buffer.from(a).equals(Buffer.from(b));
}
