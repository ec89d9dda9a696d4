// A test platform PKI, made once per test file: EC P-256 keys (the fastest to generate), one platform CA,
// the hub, the departments of the tests and a rogue CA nobody trusts.
import {
  type Certificate,
  type CertificateProfile,
  createCertificateAuthority,
  generateKeyPair,
  type Identity,
  issueCertificate,
  type PrivateKey,
  TrustStore,
} from '@ferry/sdk';

/** Department codes of the tests (2–12 capitals and digits: the short 部门代码 form). */
export const DEPT = {
  hub: 'HUB01',
  /** 公安: provides resources. */
  provider: 'GA01',
  /** 卫健: consumes. */
  consumer: 'WJ01',
  /** 民政: a second consumer. */
  other: 'MZ01',
  /** 数据局: reviews catalog entries and applications. */
  reviewer: 'SJJ01',
  admin: 'ADMIN01',
  /** Trusted certificate, never registered with the hub. */
  stranger: 'XX01',
} as const;

interface Authority {
  certificate: Certificate;
  privateKey: PrivateKey;
}

export interface TestPki {
  ca: Authority;
  trust: TrustStore;
  caPem: string;
  hub: Identity;
  provider: Identity;
  consumer: Identity;
  other: Identity;
  reviewer: Identity;
  admin: Identity;
  stranger: Identity;
  /** The provider's code, certified by a CA the hub does not trust. */
  rogueProvider: Identity;
  issue(departmentCode: string, options?: { profile?: CertificateProfile; issuer?: Authority }): Identity;
}

const NOT_BEFORE = new Date('2020-01-01T00:00:00Z');
const NOT_AFTER = new Date('2090-01-01T00:00:00Z');

function authority(commonName: string): Authority {
  return createCertificateAuthority({
    subject: { commonName, organization: 'Ferry 测试平台', country: 'CN' },
    algorithm: 'ec-p256',
    now: new Date(NOT_BEFORE.getTime() + 600_000),
    validityDays: 365 * 75,
  });
}

let cached: TestPki | undefined;

/** The test PKI, built on first use. */
export function testPki(): TestPki {
  if (cached) return cached;
  const ca = authority('Ferry Hub Test Root CA');
  const rogue = authority('Rogue CA');
  const issue = (
    departmentCode: string,
    options: { profile?: CertificateProfile; issuer?: Authority } = {},
  ): Identity => {
    const privateKey = generateKeyPair('ec-p256');
    const certificate = issueCertificate({
      issuer: options.issuer ?? ca,
      subject: { commonName: `部门 ${departmentCode}`, departmentCode, country: 'CN' },
      publicKey: privateKey.publicKey,
      profile: options.profile ?? 'department',
      notBefore: NOT_BEFORE,
      notAfter: NOT_AFTER,
    });
    return { certificate, privateKey };
  };
  cached = {
    ca,
    trust: new TrustStore([ca.certificate]),
    caPem: ca.certificate.toPem(),
    hub: issue(DEPT.hub),
    provider: issue(DEPT.provider),
    consumer: issue(DEPT.consumer),
    other: issue(DEPT.other),
    reviewer: issue(DEPT.reviewer),
    admin: issue(DEPT.admin),
    stranger: issue(DEPT.stranger),
    rogueProvider: issue(DEPT.provider, { issuer: rogue }),
    issue,
  };
  return cached;
}
