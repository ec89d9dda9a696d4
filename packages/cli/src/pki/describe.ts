// Human-readable and JSON descriptions of certificates, CSRs, PKCS#12 contents and envelope headers.
import type { EnvelopeHeader } from '@ferry/sdk';
import { Certificate, type CertificateRequest, type DistinguishedName, type PrivateKey } from '@ferry/sdk';
import { formatBytes, formatFields } from '../util/text.js';
import { describeKeyAlgorithm } from './key-files.js';

const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.156.10197.1.501': 'SM2-with-SM3',
};

function signatureName(oid: string): string {
  return SIGNATURE_ALGORITHMS[oid] ?? oid;
}

/** `2025-11-26 08:37:00Z` */
function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Where a certificate stands at `now`. */
export function validityStatus(cert: Certificate, now: Date): string {
  if (now < cert.notBefore) return 'NOT YET VALID';
  if (now > cert.notAfter) return 'EXPIRED';
  const days = Math.floor((cert.notAfter.getTime() - now.getTime()) / 86_400_000);
  return `valid, ${days} days left`;
}

/** JSON view of a certificate. */
export function certificateJson(cert: Certificate, now: Date) {
  return {
    subject: nameJson(cert.subject),
    departmentCode: cert.departmentCode ?? null,
    issuer: nameJson(cert.issuer),
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    status: now < cert.notBefore ? 'not-yet-valid' : now > cert.notAfter ? 'expired' : 'valid',
    keyAlgorithm: cert.publicKey.algorithm,
    key: describeKeyAlgorithm(cert.publicKey),
    keyUsage: cert.keyUsage,
    extendedKeyUsage: cert.extendedKeyUsage,
    isCA: cert.isCA,
    pathLength: cert.pathLength ?? null,
    signatureAlgorithm: signatureName(cert.signatureAlgorithm),
    fingerprintSha256: cert.fingerprint,
  };
}

/** Text view of a certificate. */
export function certificateLines(cert: Certificate, now: Date): string[] {
  return formatFields([
    ['subject', cert.subject.text],
    ['department code', cert.departmentCode ?? '(none)'],
    ['issuer', cert.issuer.text],
    ['serial', cert.serialNumber],
    ['valid from', formatTime(cert.notBefore)],
    ['valid until', `${formatTime(cert.notAfter)}  (${validityStatus(cert, now)})`],
    ['key', describeKeyAlgorithm(cert.publicKey)],
    ['key usage', cert.keyUsage.length > 0 ? cert.keyUsage.join(', ') : '(no keyUsage extension)'],
    [
      'CA',
      cert.isCA ? `yes${cert.pathLength === undefined ? '' : `, path length ${cert.pathLength}`}` : 'no',
    ],
    ['signature', signatureName(cert.signatureAlgorithm)],
    ['SHA-256', cert.fingerprint],
  ]);
}

/** JSON view of a CSR. */
export function csrJson(csr: CertificateRequest) {
  return {
    subject: nameJson(csr.subject),
    departmentCode: csr.subject.departmentCode ?? null,
    keyAlgorithm: csr.publicKey.algorithm,
    key: describeKeyAlgorithm(csr.publicKey),
    signatureAlgorithm: signatureName(csr.signatureAlgorithm),
    signatureValid: csr.verifySignature(),
  };
}

/** Text view of a CSR. */
export function csrLines(csr: CertificateRequest): string[] {
  return formatFields([
    ['subject', csr.subject.text],
    ['department code', csr.subject.departmentCode ?? '(none)'],
    ['key', describeKeyAlgorithm(csr.publicKey)],
    [
      'signature',
      `${signatureName(csr.signatureAlgorithm)}, ${csr.verifySignature() ? 'verifies' : 'DOES NOT VERIFY'}`,
    ],
  ]);
}

/** Text view of a private key (from a PKCS#12 file). */
export function keyLines(key: PrivateKey, certificate: Certificate): string[] {
  return formatFields([
    ['key', describeKeyAlgorithm(key)],
    ['matches', `the certificate ${certificate.subject.commonName ?? certificate.subject.text}`],
  ]);
}

/** JSON view of an envelope header read without verification. */
export function envelopeJson(view: { header: EnvelopeHeader; segments: number; bytes: number }) {
  return { verified: false, bytes: view.bytes, segments: view.segments, header: view.header };
}

/** Text view of an envelope header read without verification. */
export function envelopeLines(view: { header: EnvelopeHeader; segments: number; bytes: number }): string[] {
  const { header } = view;
  let sender = header.from.dept;
  const leaf = header.from.x5c[0];
  if (leaf) {
    try {
      const cert = Certificate.parse(Buffer.from(leaf, 'base64'));
      sender += `  (certificate CN=${cert.subject.commonName ?? '?'}, issued by ${cert.issuer.commonName ?? cert.issuer.text})`;
    } catch {
      sender += '  (sender certificate unreadable)';
    }
  }
  const content = header.content;
  const fields: [string, string][] = [
    ['suite', `${header.suite} (${header.sig})`],
    ['id', header.id],
    ['issued at', formatTime(new Date(header.iat))],
    ['from', sender],
  ];
  header.to.forEach((r, i) => {
    fields.push([i === 0 ? 'to' : '', `${r.dept}  ${r.alg}  kid ${r.kid.slice(0, 16)}…`]);
  });
  fields.push(
    ['resource', header.resource],
    ['stream', `epoch ${header.stream.epoch}, seq ${header.stream.seq}`],
    [
      'content',
      [
        content.type,
        content.compression,
        content.rows === null ? undefined : `${content.rows} rows`,
        `segments of ${formatBytes(content.segment)}`,
      ]
        .filter(Boolean)
        .join(', '),
    ],
    [
      'frame',
      `${formatBytes(view.bytes)} in ${view.segments} segments (the last carries the inner signature)`,
    ],
  );
  return formatFields(fields);
}

function nameJson(name: DistinguishedName) {
  return {
    text: name.text,
    commonName: name.commonName ?? null,
    organization: name.organization ?? null,
    organizationalUnit: name.organizationalUnit ?? null,
    country: name.country ?? null,
    departmentCode: name.departmentCode ?? null,
  };
}
