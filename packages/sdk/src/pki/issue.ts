// Issuing certificates: the platform's CA, intermediate CAs, and department certificates from a key or a CSR.
import { createHash, randomBytes } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  Certificate as AsnCertificate,
  KeyUsage as AsnKeyUsage,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Extension,
  Extensions,
  KeyIdentifier,
  type Name,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from '@peculiar/asn1-x509';
import { FerryError } from '../errors/index.js';
import { Certificate, KEY_USAGE_BITS, type KeyUsage } from './certificate.js';
import { CertificateRequest } from './csr.js';
import { toArrayBuffer } from './der.js';
import { generateKeyPair, type KeyAlgorithm, PrivateKey, PublicKey } from './keys.js';
import { buildName, type SubjectInput } from './name.js';
import { OID } from './oids.js';
import { signatureAlgorithmFor, signToBeSigned } from './signed-data.js';

/**
 * What a certificate is for, which fixes its extensions:
 * - `root-ca`: self-signed platform CA; basicConstraints `cA` (no path length limit), keyCertSign + cRLSign.
 * - `intermediate-ca`: issuing CA under the root; `cA` with pathLenConstraint 0, keyCertSign + cRLSign.
 * - `department`: one certificate for both uses; digitalSignature + nonRepudiation, plus keyEncipherment
 *   (RSA, SM2: the content key is encrypted to the key) or keyAgreement (EC P-256: ECDH key wrap).
 * - `department-signing`: digitalSignature + nonRepudiation (the signing half of a GM dual-certificate pair).
 * - `department-encryption`: keyEncipherment (RSA, SM2) or keyAgreement (EC P-256) only.
 */
export type CertificateProfile =
  | 'root-ca'
  | 'intermediate-ca'
  | 'department'
  | 'department-signing'
  | 'department-encryption';

/** Default validity of CA certificates, in days. */
export const CA_VALIDITY_DAYS = 3650;
/** Default validity of department certificates, in days. */
export const DEPARTMENT_VALIDITY_DAYS = 825;
/** How far `notBefore` is set back from now, so that a peer whose clock is slightly behind accepts a new certificate. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/** Options for {@link createCertificateAuthority}. */
export interface CreateCertificateAuthorityOptions {
  subject: SubjectInput;
  /** The CA key; generated when absent. */
  key?: PrivateKey;
  /** Algorithm of the generated key (ignored when `key` is given). Default `sm2`: GB/T 39786 expects SM algorithms in government systems. */
  algorithm?: KeyAlgorithm;
  /** Default 3650. */
  validityDays?: number;
  /** Issuing time; `notBefore` is 5 minutes earlier. Default: now. */
  now?: Date;
}

/**
 * Creates a self-signed root CA certificate (profile `root-ca`), generating its key unless one is given.
 *
 * @example
 * ```ts
 * const ca = createCertificateAuthority({
 *   subject: { commonName: 'Ferry 平台根 CA', organization: '某省大数据中心', country: 'CN' },
 *   algorithm: 'sm2',
 * });
 * await fs.writeFile('ca.crt', ca.certificate.toPem());
 * await fs.writeFile('ca.key', ca.privateKey.toPem(process.env.CA_PASSPHRASE));
 * ```
 */
export function createCertificateAuthority(options: CreateCertificateAuthorityOptions): {
  certificate: Certificate;
  privateKey: PrivateKey;
} {
  if (!options || typeof options !== 'object') {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'createCertificateAuthority needs options with a subject');
  }
  if (options.key !== undefined && !(options.key instanceof PrivateKey)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'options.key must be a PrivateKey');
  }
  if (options.key && options.algorithm && options.key.algorithm !== options.algorithm) {
    throw new FerryError(
      'FERRY_INVALID_ARGUMENT',
      `options.algorithm is ${options.algorithm} but options.key is ${options.key.algorithm}`,
    );
  }
  const now = options.now ?? new Date();
  checkDate(now, 'now');
  const name = buildName(options.subject);
  const privateKey = options.key ?? generateKeyPair(options.algorithm ?? 'sm2');
  const ski = keyIdentifier(privateKey.publicKey);
  const certificate = buildCertificate({
    signer: privateKey,
    issuerName: name,
    subjectName: name,
    publicKey: privateKey.publicKey,
    serial: randomSerial(),
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS),
    notAfter: new Date(now.getTime() + days(options.validityDays, CA_VALIDITY_DAYS) * DAY_MS),
    keyUsage: profileKeyUsage('root-ca', privateKey.algorithm),
    ca: { pathLength: undefined },
    subjectKeyId: ski,
    authorityKeyId: ski,
  });
  return { certificate, privateKey };
}

/** Options for {@link issueCertificate}. */
export interface IssueCertificateOptions {
  /** The issuing CA: its certificate and private key. */
  issuer: { certificate: Certificate; privateKey: PrivateKey };
  /** Subject of the new certificate. Default: the CSR's subject (re-encoded by Ferry's rules). */
  subject?: SubjectInput;
  /** Key to certify. Default: the CSR's key. */
  publicKey?: PublicKey;
  /** A CSR; its signature is checked first (`FERRY_CERT_SIGNATURE`). */
  csr?: CertificateRequest;
  /** Default `department`. */
  profile?: CertificateProfile;
  /** Default 3650 for CA profiles, 825 otherwise; ignored when `notAfter` is given. */
  validityDays?: number;
  /** Default: now minus 5 minutes. */
  notBefore?: Date;
  /** Default: now plus `validityDays`, but never after the issuer's own `notAfter`. */
  notAfter?: Date;
  /** Serial number in hex. Default: 16 random bytes, positive. */
  serialNumber?: string;
}

/**
 * Issues a certificate signed by a CA: for a department (from its public key or CSR) or for an
 * intermediate CA. The issuer must be a CA allowed to sign certificates, and its private key must match its
 * certificate. Adds subject and authority key identifiers.
 *
 * @example
 * ```ts
 * const csr = CertificateRequest.parse(await fs.readFile('dept.csr'));
 * const cert = issueCertificate({ issuer: ca, csr, profile: 'department' });
 * await fs.writeFile('dept.crt', cert.toPem());
 * ```
 */
export function issueCertificate(options: IssueCertificateOptions): Certificate {
  if (!options || typeof options !== 'object') {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'issueCertificate needs options');
  }
  const { issuer } = options;
  if (!issuer || !(issuer.certificate instanceof Certificate) || !(issuer.privateKey instanceof PrivateKey)) {
    throw new FerryError(
      'FERRY_INVALID_ARGUMENT',
      'options.issuer must be { certificate: Certificate, privateKey: PrivateKey }',
    );
  }
  if (!issuer.privateKey.publicKey.equals(issuer.certificate.publicKey)) {
    throw new FerryError('FERRY_KEY_INVALID', 'The issuer private key does not match the issuer certificate');
  }
  if (!issuer.certificate.isCA || !issuer.certificate.keyUsage.includes('keyCertSign')) {
    throw new FerryError(
      'FERRY_CERT_USAGE',
      'The issuer certificate is not a CA allowed to sign certificates',
    );
  }
  const profile = options.profile ?? 'department';
  const keyUsage = profileKeyUsageOrThrow(profile);
  const isCaProfile = profile === 'root-ca' || profile === 'intermediate-ca';
  if (isCaProfile && issuer.certificate.pathLength === 0) {
    throw new FerryError(
      'FERRY_CERT_USAGE',
      'The issuer may not issue CA certificates (pathLenConstraint 0)',
    );
  }

  const csr = options.csr;
  if (csr !== undefined) {
    if (!(csr instanceof CertificateRequest)) {
      throw new FerryError('FERRY_INVALID_ARGUMENT', 'options.csr must be a CertificateRequest');
    }
    if (!csr.verifySignature()) {
      throw new FerryError('FERRY_CERT_SIGNATURE', 'The certificate request signature does not verify');
    }
  }
  if (options.publicKey !== undefined && !(options.publicKey instanceof PublicKey)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'options.publicKey must be a PublicKey');
  }
  if (options.publicKey && csr && !options.publicKey.equals(csr.publicKey)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'options.publicKey and the CSR key differ');
  }
  const publicKey = options.publicKey ?? csr?.publicKey;
  if (!publicKey)
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'issueCertificate needs options.publicKey or options.csr');
  const subject = options.subject ?? (csr ? subjectFromCsr(csr) : undefined);
  if (!subject)
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'issueCertificate needs options.subject or options.csr');
  if (!isCaProfile && !subject.departmentCode) {
    throw new FerryError(
      'FERRY_CERT_SUBJECT',
      'A department certificate needs subject.departmentCode (统一社会信用代码 or 部门代码)',
      { location: { field: 'subject.departmentCode' } },
    );
  }

  const now = Date.now();
  const notBefore = options.notBefore ?? new Date(now - CLOCK_SKEW_MS);
  checkDate(notBefore, 'notBefore');
  let notAfter: Date;
  if (options.notAfter !== undefined) {
    checkDate(options.notAfter, 'notAfter');
    if (options.notAfter.getTime() > issuer.certificate.notAfter.getTime()) {
      throw new FerryError('FERRY_INVALID_ARGUMENT', 'notAfter is after the issuer certificate expires');
    }
    notAfter = options.notAfter;
  } else {
    const start = options.notBefore ? notBefore.getTime() : now;
    const wanted =
      start + days(options.validityDays, isCaProfile ? CA_VALIDITY_DAYS : DEPARTMENT_VALIDITY_DAYS) * DAY_MS;
    notAfter = new Date(Math.min(wanted, issuer.certificate.notAfter.getTime()));
  }
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'notAfter must be later than notBefore');
  }

  const issuerAsn = AsnConvert.parse(issuer.certificate.der, AsnCertificate);
  return buildCertificate({
    signer: issuer.privateKey,
    issuerName: issuerAsn.tbsCertificate.subject,
    subjectName: buildName(subject),
    publicKey,
    serial: options.serialNumber === undefined ? randomSerial() : serialFromHex(options.serialNumber),
    notBefore,
    notAfter,
    keyUsage: keyUsage(publicKey.algorithm),
    ca: isCaProfile ? { pathLength: profile === 'intermediate-ca' ? 0 : undefined } : undefined,
    subjectKeyId: keyIdentifier(publicKey),
    authorityKeyId: issuer.certificate.subjectKeyId
      ? new Uint8Array(Buffer.from(issuer.certificate.subjectKeyId, 'hex'))
      : keyIdentifier(issuer.certificate.publicKey),
  });
}

/** @internal Everything that goes into a certificate; exported for tests that need unusual certificates. */
export interface CertificateContent {
  signer: PrivateKey;
  issuerName: Name;
  subjectName: Name;
  publicKey: PublicKey;
  /** Content octets of the serial INTEGER (already sign-padded). */
  serial: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  keyUsage: KeyUsage[];
  /** basicConstraints `cA: TRUE` when present; absent for end entities (written as `cA: FALSE`). */
  ca: { pathLength: number | undefined } | undefined;
  subjectKeyId: Uint8Array;
  authorityKeyId: Uint8Array | undefined;
  /** Extra extensions appended as given. */
  extraExtensions?: Extension[];
}

/** @internal Encodes, signs and parses a certificate. */
export function buildCertificate(content: CertificateContent): Certificate {
  const extensions = new Extensions([
    new Extension({
      extnID: OID.basicConstraints,
      critical: true,
      extnValue: octets(
        new BasicConstraints(
          content.ca
            ? {
                cA: true,
                ...(content.ca.pathLength === undefined ? {} : { pathLenConstraint: content.ca.pathLength }),
              }
            : {},
        ),
      ),
    }),
    new Extension({
      extnID: OID.keyUsage,
      critical: true,
      extnValue: octets(new AsnKeyUsage(keyUsageFlags(content.keyUsage))),
    }),
    new Extension({
      extnID: OID.subjectKeyIdentifier,
      extnValue: octets(new SubjectKeyIdentifier(toArrayBuffer(content.subjectKeyId))),
    }),
  ]);
  if (content.authorityKeyId) {
    extensions.push(
      new Extension({
        extnID: OID.authorityKeyIdentifier,
        extnValue: octets(
          new AuthorityKeyIdentifier({
            keyIdentifier: new KeyIdentifier(toArrayBuffer(content.authorityKeyId)),
          }),
        ),
      }),
    );
  }
  for (const ext of content.extraExtensions ?? []) extensions.push(ext);

  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(content.serial),
    signature: signatureAlgorithmFor(content.signer),
    issuer: content.issuerName,
    // Time drops milliseconds, as DER requires (RFC 5280 §4.1.2.5); UTCTime until 2049, then GeneralizedTime.
    validity: new Validity({ notBefore: content.notBefore, notAfter: content.notAfter }),
    subject: content.subjectName,
    subjectPublicKeyInfo: AsnConvert.parse(content.publicKey.spki, SubjectPublicKeyInfo),
    extensions,
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const cert = new AsnCertificate({
    tbsCertificate: tbs,
    signatureAlgorithm: signatureAlgorithmFor(content.signer),
    signatureValue: toArrayBuffer(signToBeSigned(content.signer, tbsDer)),
  });
  return Certificate.parse(new Uint8Array(AsnConvert.serialize(cert)));
}

/**
 * Key identifier (RFC 5280 §4.2.1.2 method 1): SHA-1 of the subjectPublicKey BIT STRING, as OpenSSL computes
 * it, so identifiers match whichever tool issued the certificate.
 */
export function keyIdentifier(key: PublicKey): Uint8Array {
  const spki = AsnConvert.parse(key.spki, SubjectPublicKeyInfo);
  return new Uint8Array(createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest());
}

function profileKeyUsageOrThrow(profile: CertificateProfile): (algorithm: KeyAlgorithm) => KeyUsage[] {
  if (
    !['root-ca', 'intermediate-ca', 'department', 'department-signing', 'department-encryption'].includes(
      profile,
    )
  ) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', `Unknown certificate profile "${String(profile)}"`);
  }
  return (algorithm) => profileKeyUsage(profile, algorithm);
}

function profileKeyUsage(profile: CertificateProfile, algorithm: KeyAlgorithm): KeyUsage[] {
  const transport: KeyUsage = algorithm === 'ec-p256' ? 'keyAgreement' : 'keyEncipherment';
  switch (profile) {
    case 'root-ca':
    case 'intermediate-ca':
      return ['keyCertSign', 'cRLSign'];
    case 'department':
      return ['digitalSignature', 'nonRepudiation', transport];
    case 'department-signing':
      return ['digitalSignature', 'nonRepudiation'];
    case 'department-encryption':
      return [transport];
  }
}

function keyUsageFlags(usage: KeyUsage[]): number {
  return usage.reduce((flags, u) => flags | (1 << KEY_USAGE_BITS.indexOf(u)), 0);
}

function octets(value: object): OctetString {
  return new OctetString(AsnConvert.serialize(value));
}

/** 16 random bytes as a positive INTEGER whose first octet is non-zero (so the DER is exactly 16 bytes). */
function randomSerial(): Uint8Array {
  const bytes = new Uint8Array(randomBytes(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes;
}

function serialFromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{1,40}$/.test(hex)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'serialNumber must be 1 to 40 hex digits', {
      location: { field: 'serialNumber' },
    });
  }
  let bytes = new Uint8Array(Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex'));
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length === 1 && bytes[0] === 0) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'serialNumber must be positive', {
      location: { field: 'serialNumber' },
    });
  }
  if (bytes[0]! & 0x80) {
    const padded = new Uint8Array(bytes.length + 1);
    padded.set(bytes, 1);
    bytes = padded;
  }
  if (bytes.length > 20) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'serialNumber must fit in 20 octets (RFC 5280)', {
      location: { field: 'serialNumber' },
    });
  }
  return bytes;
}

function subjectFromCsr(csr: CertificateRequest): SubjectInput {
  const s = csr.subject;
  if (!s.commonName) throw new FerryError('FERRY_CERT_SUBJECT', 'The CSR subject has no commonName');
  return {
    commonName: s.commonName,
    ...(s.organization === undefined ? {} : { organization: s.organization }),
    ...(s.organizationalUnit === undefined ? {} : { organizationalUnit: s.organizationalUnit }),
    ...(s.country === undefined ? {} : { country: s.country }),
    ...(s.departmentCode === undefined ? {} : { departmentCode: s.departmentCode }),
  };
}

function days(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'validityDays must be a positive number', {
      location: { field: 'validityDays' },
    });
  }
  return value;
}

function checkDate(value: Date, field: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', `${field} must be a valid Date`, { location: { field } });
  }
}
