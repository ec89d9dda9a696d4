import { beforeAll, describe, expect, it } from 'vitest';
import {
  CertificateRequest,
  createCsr,
  issueCertificate,
  type PrivateKey,
  verifyCertificate,
} from '../../src/pki/index.js';
import {
  ALGORITHMS,
  buildChain,
  type Chain,
  DEPT_CODE,
  expectFerryError,
  flipByte,
  newKey,
} from './support.js';

const SUBJECT = {
  commonName: '区卫健委交换节点',
  organization: '某区卫生健康委员会',
  country: 'CN',
  departmentCode: DEPT_CODE,
};

describe.each(ALGORITHMS)('CSR (%s)', (algorithm) => {
  let chain: Chain;
  let key: PrivateKey;
  let csr: CertificateRequest;
  beforeAll(() => {
    chain = buildChain(algorithm);
    key = newKey(algorithm);
    csr = createCsr({ key, subject: SUBJECT });
  });

  it('carries the subject and key, and its signature verifies', () => {
    expect(csr.subject).toEqual({
      ...SUBJECT,
      text: `CN=区卫健委交换节点,organizationIdentifier=${DEPT_CODE},O=某区卫生健康委员会,C=CN`,
    });
    expect(csr.publicKey.equals(key.publicKey)).toBe(true);
    expect(csr.verifySignature()).toBe(true);
  });

  it('round-trips through PEM and DER', () => {
    const pem = csr.toPem();
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
    for (const parsed of [CertificateRequest.parse(pem), CertificateRequest.parse(csr.der)]) {
      expect(Buffer.from(parsed.der).equals(Buffer.from(csr.der))).toBe(true);
      expect(parsed.subject).toEqual(csr.subject);
      expect(parsed.verifySignature()).toBe(true);
    }
    const legacy = pem.replaceAll('CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST');
    expect(CertificateRequest.parse(legacy).verifySignature()).toBe(true);
  });

  it('is issued into a certificate that verifies, with the CSR subject', () => {
    const cert = issueCertificate({ issuer: chain.inter, csr });
    expect(cert.subject.text).toBe(csr.subject.text);
    expect(cert.publicKey.equals(key.publicKey)).toBe(true);
    expect(
      verifyCertificate(cert, {
        trust: chain.trust,
        intermediates: [chain.inter.certificate],
        departmentCode: DEPT_CODE,
        usage: 'digitalSignature',
      }),
    ).toHaveLength(3);
  });

  it('a tampered CSR fails its signature check and is not issued', () => {
    const at = Buffer.from(csr.der).indexOf(Buffer.from(DEPT_CODE));
    const tampered = CertificateRequest.parse(flipByte(csr.der, at + 5));
    expect(tampered.subject.departmentCode).not.toBe(DEPT_CODE);
    expect(tampered.verifySignature()).toBe(false);
    expectFerryError(() => issueCertificate({ issuer: chain.inter, csr: tampered }), 'FERRY_CERT_SIGNATURE');

    const badSignature = CertificateRequest.parse(flipByte(csr.der, -1));
    expect(badSignature.verifySignature()).toBe(false);
    expectFerryError(
      () => issueCertificate({ issuer: chain.inter, csr: badSignature }),
      'FERRY_CERT_SIGNATURE',
    );
  });

  it('refuses a public key that differs from the CSR key', () => {
    expectFerryError(
      () => issueCertificate({ issuer: chain.inter, csr, publicKey: newKey(algorithm).publicKey }),
      'FERRY_INVALID_ARGUMENT',
    );
  });
});

describe('CSR input checks', () => {
  it('rejects malformed CSRs and subjects', () => {
    expectFerryError(() => CertificateRequest.parse('not a csr'), 'FERRY_CERT_INVALID');
    expectFerryError(
      () => CertificateRequest.parse(new Uint8Array([0x30, 0x03, 1, 2, 3])),
      'FERRY_CERT_INVALID',
    );
    const key = newKey('ec-p256');
    expectFerryError(() => createCsr({ key, subject: { commonName: '' } }), 'FERRY_INVALID_ARGUMENT');
    expectFerryError(
      () => createCsr({ key, subject: { commonName: 'x', country: 'China' } }),
      'FERRY_INVALID_ARGUMENT',
    );
    expectFerryError(() => createCsr({ key, subject: { commonName: 'a\nb' } }), 'FERRY_INVALID_ARGUMENT');
  });
});
