import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CertificateProfile,
  createCertificateAuthority,
  issueCertificate,
  type KeyUsage,
  type PrivateKey,
} from '../../src/pki/index.js';
import { keyIdentifier } from '../../src/pki/issue.js';
import { ALGORITHMS, buildChain, type Chain, DEPT_CODE, expectFerryError, newKey } from './support.js';

const DAY = 24 * 3600 * 1000;
const MINUTE = 60 * 1000;

describe.each(ALGORITHMS)('issueCertificate (%s)', (algorithm) => {
  let chain: Chain;
  let key: PrivateKey;
  beforeAll(() => {
    chain = buildChain(algorithm);
    key = newKey(algorithm);
  });

  const transport: KeyUsage = algorithm === 'ec-p256' ? 'keyAgreement' : 'keyEncipherment';
  const cases: [CertificateProfile, () => KeyUsage[]][] = [
    ['department', () => ['digitalSignature', 'nonRepudiation', transport]],
    ['department-signing', () => ['digitalSignature', 'nonRepudiation']],
    ['department-encryption', () => [transport]],
  ];
  it.each(cases)('profile %s sets its key usage', (profile, usage) => {
    const cert = issueCertificate({
      issuer: chain.inter,
      subject: { commonName: profile, departmentCode: DEPT_CODE },
      publicKey: key.publicKey,
      profile,
    });
    expect(cert.keyUsage).toEqual(usage());
    expect(cert.isCA).toBe(false);
    expect(cert.extensions.find((e) => e.oid === '2.5.29.15')?.critical).toBe(true);
    expect(cert.extensions.find((e) => e.oid === '2.5.29.19')?.critical).toBe(true);
  });

  it('writes a random positive 16-byte serial, key identifiers and a backdated notBefore', () => {
    const before = Date.now();
    const a = issueCertificate({
      issuer: chain.inter,
      subject: { commonName: 'a', departmentCode: DEPT_CODE },
      publicKey: key.publicKey,
    });
    const b = issueCertificate({
      issuer: chain.inter,
      subject: { commonName: 'b', departmentCode: DEPT_CODE },
      publicKey: key.publicKey,
    });
    expect(a.serialNumber).toMatch(/^[0-7][0-9a-f]{31}$/);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.subjectKeyId).toBe(Buffer.from(keyIdentifier(key.publicKey)).toString('hex'));
    expect(a.authorityKeyId).toBe(chain.inter.certificate.subjectKeyId);
    // Whole seconds in the certificate, so allow one second of truncation.
    expect(a.notBefore.getTime()).toBeGreaterThanOrEqual(before - 5 * MINUTE - 1000);
    expect(a.notBefore.getTime()).toBeLessThanOrEqual(Date.now() - 5 * MINUTE);
    const days = (a.notAfter.getTime() - a.notBefore.getTime() - 5 * MINUTE) / DAY;
    expect(Math.round(days)).toBe(825);
  });

  it('takes an explicit serial number and validity', () => {
    const notBefore = new Date('2030-01-01T00:00:00Z');
    const notAfter = new Date('2031-01-01T00:00:00Z');
    const cert = issueCertificate({
      issuer: chain.inter,
      subject: { commonName: 'fixed', departmentCode: DEPT_CODE },
      publicKey: key.publicKey,
      serialNumber: '00FF01',
      notBefore,
      notAfter,
    });
    expect(cert.serialNumber).toBe('ff01');
    expect(cert.notBefore.toISOString()).toBe(notBefore.toISOString());
    expect(cert.notAfter.toISOString()).toBe(notAfter.toISOString());
  });

  it('never lets a certificate outlive its issuer', () => {
    const cert = issueCertificate({
      issuer: chain.inter,
      subject: { commonName: 'long', departmentCode: DEPT_CODE },
      publicKey: key.publicKey,
      validityDays: 100_000,
    });
    expect(cert.notAfter.getTime()).toBe(chain.inter.certificate.notAfter.getTime());
    expectFerryError(
      () =>
        issueCertificate({
          issuer: chain.inter,
          subject: { commonName: 'long', departmentCode: DEPT_CODE },
          publicKey: key.publicKey,
          notAfter: new Date(chain.inter.certificate.notAfter.getTime() + DAY),
        }),
      'FERRY_INVALID_ARGUMENT',
    );
  });

  it('checks the issuer and the request', () => {
    expectFerryError(
      () =>
        issueCertificate({
          issuer: { certificate: chain.inter.certificate, privateKey: chain.root.privateKey },
          subject: { commonName: 'x', departmentCode: DEPT_CODE },
          publicKey: key.publicKey,
        }),
      'FERRY_KEY_INVALID',
    );
    expectFerryError(
      () =>
        issueCertificate({
          issuer: chain.inter,
          subject: { commonName: 'no code' },
          publicKey: key.publicKey,
        }),
      'FERRY_CERT_SUBJECT',
    );
    expectFerryError(
      () =>
        issueCertificate({ issuer: chain.inter, subject: { commonName: 'x', departmentCode: DEPT_CODE } }),
      'FERRY_INVALID_ARGUMENT',
    );
    expectFerryError(
      () =>
        issueCertificate({
          issuer: chain.inter,
          subject: { commonName: 'x', departmentCode: DEPT_CODE },
          publicKey: key.publicKey,
          serialNumber: 'xyz',
        }),
      'FERRY_INVALID_ARGUMENT',
    );
  });
});

describe('createCertificateAuthority', () => {
  it('creates a self-signed root, SM2 by default, valid 3650 days from `now` minus 5 minutes', () => {
    const now = new Date('2026-03-01T08:00:00Z');
    const ca = createCertificateAuthority({ subject: { commonName: 'Root', country: 'CN' }, now });
    expect(ca.privateKey.algorithm).toBe('sm2');
    expect(ca.certificate.signatureAlgorithm).toBe('1.2.156.10197.1.501');
    expect(ca.certificate.subject.text).toBe('CN=Root,C=CN');
    expect(ca.certificate.issuer.text).toBe('CN=Root,C=CN');
    expect(ca.certificate.isCA).toBe(true);
    expect(ca.certificate.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(ca.certificate.subjectKeyId).toBe(ca.certificate.authorityKeyId);
    expect(ca.certificate.notBefore.toISOString()).toBe('2026-03-01T07:55:00.000Z');
    expect(ca.certificate.notAfter.toISOString()).toBe(new Date(now.getTime() + 3650 * DAY).toISOString());
  });

  it('uses the key given, and refuses a conflicting algorithm', () => {
    const key = newKey('ec-p256');
    const ca = createCertificateAuthority({ subject: { commonName: 'EC Root' }, key, validityDays: 10 });
    expect(ca.privateKey).toBe(key);
    expect(ca.certificate.publicKey.equals(key.publicKey)).toBe(true);
    expectFerryError(
      () => createCertificateAuthority({ subject: { commonName: 'x' }, key, algorithm: 'sm2' }),
      'FERRY_INVALID_ARGUMENT',
    );
  });
});
