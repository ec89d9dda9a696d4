import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Certificate as AsnCertificate, Extension } from '@peculiar/asn1-x509';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Certificate,
  issueCertificate,
  type KeyUsage,
  type PrivateKey,
  type PublicKey,
  TrustStore,
  verifyCertificate,
} from '../../src/pki/index.js';
import { buildCertificate, keyIdentifier } from '../../src/pki/issue.js';
import { buildName } from '../../src/pki/name.js';
import {
  ALGORITHMS,
  type Authority,
  buildChain,
  type Chain,
  DEPT_CODE,
  expectFerryError,
  flipByte,
  newKey,
} from './support.js';

const DAY = 24 * 3600 * 1000;

/** A certificate with exactly the given properties, signed by `issuer` (for shapes issueCertificate refuses). */
function craft(
  issuer: Authority,
  publicKey: PublicKey,
  options: {
    commonName?: string;
    keyUsage: KeyUsage[];
    ca?: { pathLength: number | undefined };
    notBefore?: Date;
    notAfter?: Date;
    extraExtensions?: Extension[];
  },
): Certificate {
  return buildCertificate({
    signer: issuer.privateKey,
    issuerName: AsnConvert.parse(issuer.certificate.der, AsnCertificate).tbsCertificate.subject,
    subjectName: buildName({ commonName: options.commonName ?? 'crafted', departmentCode: DEPT_CODE }),
    publicKey,
    serial: new Uint8Array([0x01, 0x02, 0x03]),
    notBefore: options.notBefore ?? new Date(Date.now() - DAY),
    notAfter: options.notAfter ?? new Date(Date.now() + 30 * DAY),
    keyUsage: options.keyUsage,
    ca: options.ca,
    subjectKeyId: keyIdentifier(publicKey),
    authorityKeyId: keyIdentifier(issuer.certificate.publicKey),
    ...(options.extraExtensions ? { extraExtensions: options.extraExtensions } : {}),
  });
}

describe.each(ALGORITHMS)('verifyCertificate (%s)', (algorithm) => {
  let chain: Chain;
  let options: { trust: TrustStore; intermediates: Certificate[] };
  // Keys are the slow part (RSA): one for the extra CAs and one for the extra leaves of this file.
  let caKey: PrivateKey;
  let leafKey: PrivateKey;
  beforeAll(() => {
    chain = buildChain(algorithm);
    options = { trust: chain.trust, intermediates: [chain.inter.certificate] };
    caKey = newKey(algorithm);
    leafKey = newKey(algorithm);
  });

  it('verifies a CA → intermediate → department chain and returns it leaf first', () => {
    const path = verifyCertificate(chain.leaf, {
      ...options,
      usage: ['digitalSignature', 'nonRepudiation'],
      departmentCode: DEPT_CODE,
    });
    expect(path.map((c) => c.fingerprint)).toEqual([
      chain.leaf.fingerprint,
      chain.inter.certificate.fingerprint,
      chain.root.certificate.fingerprint,
    ]);
  });

  it('finds intermediates held by the trust store', () => {
    const trust = new TrustStore([chain.root.certificate]);
    trust.addIntermediates([chain.inter.certificate]);
    expect(verifyCertificate(chain.leaf, { trust })).toHaveLength(3);
  });

  it('accepts an intermediate as an explicit trust anchor', () => {
    const trust = new TrustStore([chain.inter.certificate]);
    expect(verifyCertificate(chain.leaf, { trust })).toHaveLength(2);
  });

  it('FERRY_CERT_UNTRUSTED without a path to a root', () => {
    expectFerryError(() => verifyCertificate(chain.leaf, { trust: chain.trust }), 'FERRY_CERT_UNTRUSTED');
    const other = buildChain(algorithm);
    expectFerryError(() => verifyCertificate(other.leaf, options), 'FERRY_CERT_UNTRUSTED');
    // A look-alike CA (same name, other key) offered as an intermediate is not an issuer.
    expectFerryError(
      () => verifyCertificate(chain.leaf, { trust: chain.trust, intermediates: [other.inter.certificate] }),
      'FERRY_CERT_UNTRUSTED',
    );
  });

  it('FERRY_CERT_SIGNATURE for a tampered signature or body', () => {
    const badSignature = Certificate.parse(flipByte(chain.leaf.der, -1));
    expectFerryError(() => verifyCertificate(badSignature, options), 'FERRY_CERT_SIGNATURE');
    // Change one character of the department code inside the signed body.
    const at = Buffer.from(chain.leaf.der).indexOf(Buffer.from(DEPT_CODE));
    const badBody = Certificate.parse(flipByte(chain.leaf.der, at + 3));
    expect(badBody.departmentCode).not.toBe(DEPT_CODE);
    expectFerryError(() => verifyCertificate(badBody, options), 'FERRY_CERT_SIGNATURE');
    const badIntermediate = Certificate.parse(flipByte(chain.inter.certificate.der, -2));
    expectFerryError(
      () => verifyCertificate(chain.leaf, { trust: chain.trust, intermediates: [badIntermediate] }),
      'FERRY_CERT_SIGNATURE',
    );
  });

  it('FERRY_CERT_EXPIRED and FERRY_CERT_NOT_YET_VALID, checked at `at`', () => {
    const expired = expectFerryError(
      () => verifyCertificate(chain.leaf, { ...options, at: new Date(chain.leaf.notAfter.getTime() + 1000) }),
      'FERRY_CERT_EXPIRED',
    );
    expect(expired.details?.depth).toBe(0);
    expectFerryError(
      () =>
        verifyCertificate(chain.leaf, { ...options, at: new Date(chain.leaf.notBefore.getTime() - 1000) }),
      'FERRY_CERT_NOT_YET_VALID',
    );
    expect(verifyCertificate(chain.leaf, { ...options, at: chain.leaf.notAfter })).toHaveLength(3);
    expect(verifyCertificate(chain.leaf, { ...options, at: chain.leaf.notBefore })).toHaveLength(3);
  });

  it('checks the validity of every certificate of the path, not just the leaf', () => {
    const interKey = caKey;
    const shortInter: Authority = {
      certificate: issueCertificate({
        issuer: chain.root,
        subject: { commonName: 'short-lived CA' },
        publicKey: interKey.publicKey,
        profile: 'intermediate-ca',
        notBefore: new Date(Date.now() - 10 * DAY),
        notAfter: new Date(Date.now() + 10 * DAY),
      }),
      privateKey: interKey,
    };
    // A leaf outliving its issuer (issueCertificate would clamp it, so it is crafted).
    const leaf = craft(shortInter, leafKey.publicKey, {
      keyUsage: ['digitalSignature'],
      notBefore: new Date(Date.now() - 20 * DAY),
      notAfter: new Date(Date.now() + 100 * DAY),
    });
    const opts = { trust: chain.trust, intermediates: [shortInter.certificate] };
    expect(verifyCertificate(leaf, opts)).toHaveLength(3);
    const expired = expectFerryError(
      () => verifyCertificate(leaf, { ...opts, at: new Date(Date.now() + 50 * DAY) }),
      'FERRY_CERT_EXPIRED',
    );
    expect(expired.details?.depth).toBe(1);
    const early = expectFerryError(
      () => verifyCertificate(leaf, { ...opts, at: new Date(Date.now() - 15 * DAY) }),
      'FERRY_CERT_NOT_YET_VALID',
    );
    expect(early.details?.depth).toBe(1);
  });

  it('FERRY_CERT_USAGE when the leaf lacks a required key usage', () => {
    const transport: KeyUsage = algorithm === 'ec-p256' ? 'keyAgreement' : 'keyEncipherment';
    expect(verifyCertificate(chain.leaf, { ...options, usage: transport })).toHaveLength(3);
    expectFerryError(
      () => verifyCertificate(chain.leaf, { ...options, usage: 'keyCertSign' }),
      'FERRY_CERT_USAGE',
    );

    const key = leafKey;
    const signing = issueCertificate({
      issuer: chain.inter,
      subject: { commonName: 'signing', departmentCode: DEPT_CODE },
      publicKey: key.publicKey,
      profile: 'department-signing',
    });
    const encryption = issueCertificate({
      issuer: chain.inter,
      subject: { commonName: 'encryption', departmentCode: DEPT_CODE },
      publicKey: key.publicKey,
      profile: 'department-encryption',
    });
    expect(
      verifyCertificate(signing, { ...options, usage: ['digitalSignature', 'nonRepudiation'] }),
    ).toHaveLength(3);
    expectFerryError(() => verifyCertificate(signing, { ...options, usage: transport }), 'FERRY_CERT_USAGE');
    expect(verifyCertificate(encryption, { ...options, usage: transport })).toHaveLength(3);
    expectFerryError(
      () => verifyCertificate(encryption, { ...options, usage: 'digitalSignature' }),
      'FERRY_CERT_USAGE',
    );
  });

  it('FERRY_CERT_USAGE when a CA certificate is used as the leaf', () => {
    expectFerryError(() => verifyCertificate(chain.inter.certificate, options), 'FERRY_CERT_USAGE');
    expectFerryError(() => verifyCertificate(chain.root.certificate, options), 'FERRY_CERT_USAGE');
  });

  it('FERRY_CERT_USAGE when an issuer is not a CA', () => {
    const deptKey = caKey;
    const dept: Authority = {
      certificate: issueCertificate({
        issuer: chain.inter,
        subject: { commonName: 'not a CA', departmentCode: DEPT_CODE },
        publicKey: deptKey.publicKey,
      }),
      privateKey: deptKey,
    };
    const leaf = craft(dept, leafKey.publicKey, { keyUsage: ['digitalSignature'] });
    expectFerryError(
      () =>
        verifyCertificate(leaf, {
          trust: chain.trust,
          intermediates: [chain.inter.certificate, dept.certificate],
        }),
      'FERRY_CERT_USAGE',
    );
    // issueCertificate refuses to issue from it in the first place.
    expectFerryError(
      () =>
        issueCertificate({
          issuer: dept,
          subject: { commonName: 'x', departmentCode: DEPT_CODE },
          publicKey: deptKey.publicKey,
        }),
      'FERRY_CERT_USAGE',
    );
  });

  it('FERRY_CERT_USAGE when an intermediate lacks keyCertSign', () => {
    const noCertSign: Authority = {
      certificate: craft(chain.root, caKey.publicKey, {
        commonName: 'CA without keyCertSign',
        keyUsage: ['cRLSign', 'digitalSignature'],
        ca: { pathLength: 0 },
      }),
      privateKey: caKey,
    };
    const leaf = craft(noCertSign, leafKey.publicKey, { keyUsage: ['digitalSignature'] });
    expectFerryError(
      () => verifyCertificate(leaf, { trust: chain.trust, intermediates: [noCertSign.certificate] }),
      'FERRY_CERT_USAGE',
    );
  });

  it('FERRY_CERT_USAGE when a path length constraint is exceeded', () => {
    // chain.inter has pathLenConstraint 0: no CA may sit below it.
    const subKey = caKey;
    const subCa: Authority = {
      certificate: craft(chain.inter, subKey.publicKey, {
        commonName: 'sub CA',
        keyUsage: ['keyCertSign', 'cRLSign'],
        ca: { pathLength: undefined },
      }),
      privateKey: subKey,
    };
    const leaf = craft(subCa, leafKey.publicKey, { keyUsage: ['digitalSignature'] });
    const err = expectFerryError(
      () =>
        verifyCertificate(leaf, {
          trust: chain.trust,
          intermediates: [chain.inter.certificate, subCa.certificate],
        }),
      'FERRY_CERT_USAGE',
    );
    expect(err.details?.depth).toBe(2);
    expectFerryError(
      () =>
        issueCertificate({
          issuer: chain.inter,
          subject: { commonName: 'x' },
          publicKey: subKey.publicKey,
          profile: 'intermediate-ca',
        }),
      'FERRY_CERT_USAGE',
    );
  });

  it('FERRY_CERT_SUBJECT when the department code differs', () => {
    expectFerryError(
      () => verifyCertificate(chain.leaf, { ...options, departmentCode: '11370000MB0000009Z' }),
      'FERRY_CERT_SUBJECT',
    );
  });

  it('rejects an unknown critical extension', () => {
    const policyExt = new Extension({
      extnID: '2.5.29.32', // certificatePolicies
      critical: true,
      extnValue: new OctetString(new Uint8Array([0x30, 0x00])),
    });
    const leaf = craft(chain.inter, leafKey.publicKey, {
      keyUsage: ['digitalSignature'],
      extraExtensions: [policyExt],
    });
    expectFerryError(() => verifyCertificate(leaf, options), 'FERRY_CERT_INVALID');
  });
});

describe('verifyCertificate path search', () => {
  it('stays fast when offered many same-named CA certificates (bounded search)', () => {
    const chain = buildChain('ec-p256');
    // 30 distinct certificates of one key, each "issued by" itself and by every other: a path-building maze.
    const loopKey = newKey('ec-p256');
    const name = buildName({ commonName: 'Loop CA' });
    const loop = Array.from({ length: 30 }, (_, i) =>
      buildCertificate({
        signer: loopKey,
        issuerName: name,
        subjectName: name,
        publicKey: loopKey.publicKey,
        serial: new Uint8Array([0x10, i + 1]),
        notBefore: new Date(Date.now() - DAY),
        notAfter: new Date(Date.now() + DAY),
        keyUsage: ['keyCertSign'],
        ca: { pathLength: undefined },
        subjectKeyId: keyIdentifier(loopKey.publicKey),
        authorityKeyId: keyIdentifier(loopKey.publicKey),
      }),
    );
    const leaf = craft({ certificate: loop[0]!, privateKey: loopKey }, newKey('ec-p256').publicKey, {
      keyUsage: ['digitalSignature'],
    });
    const started = Date.now();
    expectFerryError(
      () => verifyCertificate(leaf, { trust: chain.trust, intermediates: loop }),
      'FERRY_CERT_UNTRUSTED',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('verifyCertificate arguments', () => {
  it('needs a TrustStore', () => {
    const { leaf } = buildChain('ec-p256');
    expectFerryError(
      () => verifyCertificate(leaf, { trust: {} as unknown as TrustStore }),
      'FERRY_INVALID_ARGUMENT',
    );
    expectFerryError(() => new TrustStore([]), 'FERRY_INVALID_ARGUMENT');
  });
});
