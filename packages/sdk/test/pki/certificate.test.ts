import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isFerryError } from '../../src/errors/index.js';
import { Certificate, loadCertificates, TrustStore, verifyCertificate } from '../../src/pki/index.js';
import { OID } from '../../src/pki/oids.js';
import { ALGORITHMS, type Chain, DEPT_CODE, expectFerryError, sharedChain } from './support.js';

const SIGNATURE_OIDS = {
  rsa: OID.sha256WithRSAEncryption,
  'ec-p256': OID.ecdsaWithSHA256,
  sm2: OID.sm2WithSm3,
} as const;

describe.each(ALGORITHMS)('Certificate (%s)', (algorithm) => {
  let chain: Chain;
  beforeAll(() => {
    chain = sharedChain(algorithm);
  });

  it('reads the fields of a department certificate', () => {
    const { leaf, inter, leafKey } = chain;
    expect(leaf.subject).toEqual({
      commonName: '某市大数据局前置机',
      organization: '某市大数据局',
      organizationalUnit: '数据共享科',
      country: 'CN',
      departmentCode: DEPT_CODE,
      text: `CN=某市大数据局前置机,organizationIdentifier=${DEPT_CODE},OU=数据共享科,O=某市大数据局,C=CN`,
    });
    expect(leaf.departmentCode).toBe(DEPT_CODE);
    expect(leaf.issuer.text).toBe(inter.certificate.subject.text);
    expect(leaf.publicKey.algorithm).toBe(algorithm);
    expect(leaf.publicKey.equals(leafKey.publicKey)).toBe(true);
    expect(leaf.isCA).toBe(false);
    expect(leaf.pathLength).toBeUndefined();
    expect(leaf.signatureAlgorithm).toBe(SIGNATURE_OIDS[algorithm]);
    expect(leaf.extendedKeyUsage).toEqual([]);
    expect(leaf.fingerprint).toBe(createHash('sha256').update(leaf.der).digest('hex'));
    expect(leaf.authorityKeyId).toBe(inter.certificate.subjectKeyId);
    expect(leaf.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
  });

  it('writes the department code as a UTF8String organizationIdentifier (2.5.4.97)', () => {
    // 06 03 55 04 61 = OID 2.5.4.97, then 0C = UTF8String
    const needle = Buffer.concat([
      Buffer.from([0x06, 0x03, 0x55, 0x04, 0x61, 0x0c, DEPT_CODE.length]),
      Buffer.from(DEPT_CODE),
    ]);
    expect(Buffer.from(chain.leaf.der).includes(needle)).toBe(true);
  });

  it('marks CA certificates', () => {
    expect(chain.root.certificate.isCA).toBe(true);
    expect(chain.root.certificate.pathLength).toBeUndefined();
    expect(chain.root.certificate.keyUsage).toEqual(['keyCertSign', 'cRLSign']);
    expect(chain.inter.certificate.isCA).toBe(true);
    expect(chain.inter.certificate.pathLength).toBe(0);
    expect(chain.root.certificate.departmentCode).toBeUndefined();
  });

  it('round-trips through PEM and DER', () => {
    const { leaf } = chain;
    const pem = leaf.toPem();
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    const fromPem = Certificate.parse(pem);
    const fromPemBytes = Certificate.parse(new TextEncoder().encode(pem));
    const fromDer = Certificate.parse(leaf.der);
    for (const c of [fromPem, fromPemBytes, fromDer]) {
      expect(Buffer.from(c.der).equals(Buffer.from(leaf.der))).toBe(true);
      expect(c.fingerprint).toBe(leaf.fingerprint);
      expect(c.subject).toEqual(leaf.subject);
      expect(c.notAfter.getTime()).toBe(leaf.notAfter.getTime());
      expect(Buffer.from(c.tbs).equals(Buffer.from(leaf.tbs))).toBe(true);
    }
    expect(fromDer.toPem()).toBe(pem);
  });

  it('loads every certificate of a PEM bundle in order', () => {
    const bundle = `some text\n${chain.leaf.toPem()}${chain.inter.certificate.toPem()}\n${chain.root.certificate.toPem()}`;
    const certs = loadCertificates(bundle);
    expect(certs.map((c) => c.fingerprint)).toEqual([
      chain.leaf.fingerprint,
      chain.inter.certificate.fingerprint,
      chain.root.certificate.fingerprint,
    ]);
    expect(loadCertificates(chain.leaf.der).map((c) => c.fingerprint)).toEqual([chain.leaf.fingerprint]);
    expect(Certificate.parse(bundle).fingerprint).toBe(chain.leaf.fingerprint);
  });

  it('TrustStore.fromPem takes self-issued certificates as roots and the others as intermediates', () => {
    const trust = TrustStore.fromPem(chain.inter.certificate.toPem() + chain.root.certificate.toPem());
    expect(trust.roots.map((c) => c.fingerprint)).toEqual([chain.root.certificate.fingerprint]);
    expect(trust.intermediates.map((c) => c.fingerprint)).toEqual([chain.inter.certificate.fingerprint]);
    expectFerryError(() => TrustStore.fromPem(chain.inter.certificate.toPem()), 'FERRY_INVALID_ARGUMENT');
  });
});

describe('Certificate.parse rejects bad input with FERRY_CERT_INVALID', () => {
  let der: Uint8Array;
  beforeAll(() => {
    der = sharedChain('ec-p256').leaf.der;
  });

  it('rejects text without a certificate', () => {
    expectFerryError(() => Certificate.parse('hello'), 'FERRY_CERT_INVALID');
    expectFerryError(
      () => Certificate.parse('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'),
      'FERRY_CERT_INVALID',
    );
    expectFerryError(() => loadCertificates('no pem here'), 'FERRY_CERT_INVALID');
  });

  it('rejects garbage, truncated and padded DER', () => {
    expectFerryError(() => Certificate.parse(new Uint8Array([1, 2, 3, 4])), 'FERRY_CERT_INVALID');
    expectFerryError(() => Certificate.parse(der.subarray(0, der.length - 10)), 'FERRY_CERT_INVALID');
    expectFerryError(() => Certificate.parse(new Uint8Array([...der, 0])), 'FERRY_CERT_INVALID');
    expectFerryError(
      () =>
        Certificate.parse(
          new Uint8Array(Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----')),
        ),
      'FERRY_CERT_INVALID',
    );
  });

  it.each(ALGORITHMS)(
    '%s: a flipped bit anywhere gives a FerryError, never a valid certificate',
    (algorithm) => {
      const chain = sharedChain(algorithm);
      const options = { trust: chain.trust, intermediates: [chain.inter.certificate] };
      const der = chain.leaf.der;
      // Every byte of the unsigned wrapper (where a lax parser would accept another encoding), every 16th of the body.
      const tbsStart = Buffer.from(der).indexOf(Buffer.from(chain.leaf.tbs));
      const tbsEnd = tbsStart + chain.leaf.tbs.length;
      const codes = new Set<string>();
      for (let i = 0; i < der.length; i++) {
        if (i >= tbsStart && i < tbsEnd && (i - tbsStart) % 16 !== 0) continue;
        for (const bit of [0x01, 0x80]) {
          const bad = der.slice();
          bad[i] = bad[i]! ^ bit;
          try {
            verifyCertificate(Certificate.parse(bad), options);
            codes.add(`ACCEPTED at byte ${i}`);
          } catch (err) {
            expect(isFerryError(err), `byte ${i}: ${String(err)}`).toBe(true);
            codes.add((err as { code: string }).code);
          }
        }
      }
      expect([...codes].filter((c) => c.startsWith('ACCEPTED'))).toEqual([]);
      expect(codes).toContain('FERRY_CERT_INVALID');
      expect(codes).toContain('FERRY_CERT_SIGNATURE');
    },
  );

  it('rejects a certificate whose two signature algorithm fields disagree', () => {
    // Outer AlgorithmIdentifier is ecdsa-with-SHA256 (2A 86 48 CE 3D 04 03 02); make it ecdsa-with-SHA384 (…03 03).
    const oid = Buffer.from([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);
    const at = Buffer.from(der).lastIndexOf(oid);
    const bad = der.slice();
    bad[at + oid.length - 1] = 0x03;
    expectFerryError(() => Certificate.parse(bad), 'FERRY_CERT_INVALID');
  });
});
