// A development PKI per key algorithm: one platform CA, the departments the envelope tests send between, and a
// rogue CA that nobody trusts. Built once per algorithm and process (RSA at 2048 bits to keep start-up fast).
import {
  type Certificate,
  type CertificateProfile,
  createCertificateAuthority,
  generateKeyPair,
  type Identity,
  issueCertificate,
  type KeyAlgorithm,
  type PrivateKey,
  TrustStore,
} from '../../src/pki/index.js';

/** Every fixture certificate is valid over this span, so tests may pass any `now` inside it. */
export const FIXTURE_NOT_BEFORE = new Date('2015-01-01T00:00:00Z');
export const FIXTURE_NOT_AFTER = new Date('2095-01-01T00:00:00Z');

/** Department codes (统一社会信用代码, made up) of the fixture departments. */
export const DEPT = {
  alice: '11370000MB0000001A',
  bob: '11370000MB0000002B',
  carol: '11370000MB0000003C',
  dave: '11370000MB0000004D',
  mallory: '11370000MB0000005E',
} as const;

export interface CertificateAuthority {
  certificate: Certificate;
  privateKey: PrivateKey;
}

export interface PkiFixture {
  readonly algorithm: KeyAlgorithm;
  ca: CertificateAuthority;
  trust: TrustStore;
  /** The usual sender ('department' profile: signs and decrypts). */
  alice: Identity;
  /** Recipients ('department' profile). */
  bob: Identity;
  carol: Identity;
  /** A GM-style dual-certificate department: a signing certificate plus a separate encryption certificate. */
  dave: Identity;
  /** Trusted, but never addressed. */
  mallory: Identity;
  /** A CA nobody trusts, and a department it certified with Alice's department code. */
  rogueCa: CertificateAuthority;
  rogueAlice: Identity;
  /** Issues a certificate under `issuer` (default: the platform CA) for a fresh key. */
  issue(options: IssueOptions): Identity;
}

export interface IssueOptions {
  departmentCode: string;
  profile?: CertificateProfile;
  issuer?: CertificateAuthority;
  notBefore?: Date;
  notAfter?: Date;
  /** Reuse a key instead of generating one. */
  key?: PrivateKey;
}

const cache = new Map<KeyAlgorithm, PkiFixture>();

/** A fresh key of the fixture's algorithm (RSA: 2048 bits). */
export function newKey(algorithm: KeyAlgorithm): PrivateKey {
  return generateKeyPair(algorithm, { rsaBits: 2048 });
}

function createCa(algorithm: KeyAlgorithm, commonName: string): CertificateAuthority {
  return createCertificateAuthority({
    subject: { commonName, organization: 'Ferry 测试平台', country: 'CN' },
    key: newKey(algorithm),
    now: new Date(FIXTURE_NOT_BEFORE.getTime() + 10 * 60 * 1000),
    validityDays: 365 * 90,
  });
}

/**
 * The development PKI for `algorithm`, built member by member on first use and cached for the test file.
 *
 * @example
 * ```ts
 * const { alice, bob, trust } = pkiFixture('sm2');
 * const frame = await seal({ from: alice, to: bob.certificate, resource: 'R1', stream: { epoch: 1, seq: 0 }, rows: [] });
 * ```
 */
export function pkiFixture(algorithm: KeyAlgorithm): PkiFixture {
  const cached = cache.get(algorithm);
  if (cached) return cached;
  // Every member is made on first use: RSA key generation dominates start-up, and most files need few parties.
  const ca = once(() => createCa(algorithm, `Ferry Test Root CA (${algorithm})`));
  const rogueCa = once(() => createCa(algorithm, `Rogue CA (${algorithm})`));
  const issue = (options: IssueOptions): Identity => {
    const key = options.key ?? newKey(algorithm);
    const certificate = issueCertificate({
      issuer: options.issuer ?? ca(),
      subject: {
        commonName: `部门 ${options.departmentCode}`,
        departmentCode: options.departmentCode,
        country: 'CN',
      },
      publicKey: key.publicKey,
      profile: options.profile ?? 'department',
      notBefore: options.notBefore ?? FIXTURE_NOT_BEFORE,
      notAfter: options.notAfter ?? FIXTURE_NOT_AFTER,
    });
    return { certificate, privateKey: key };
  };
  const trust = once(() => new TrustStore([ca().certificate]));
  const alice = once(() => issue({ departmentCode: DEPT.alice }));
  const bob = once(() => issue({ departmentCode: DEPT.bob }));
  const carol = once(() => issue({ departmentCode: DEPT.carol }));
  const dave = once(() => ({
    ...issue({ departmentCode: DEPT.dave, profile: 'department-signing' }),
    encryption: issue({ departmentCode: DEPT.dave, profile: 'department-encryption' }),
  }));
  const mallory = once(() => issue({ departmentCode: DEPT.mallory }));
  const rogueAlice = once(() => issue({ departmentCode: DEPT.alice, issuer: rogueCa() }));
  const fixture: PkiFixture = {
    algorithm,
    get ca() {
      return ca();
    },
    get trust() {
      return trust();
    },
    get alice() {
      return alice();
    },
    get bob() {
      return bob();
    },
    get carol() {
      return carol();
    },
    get dave() {
      return dave();
    },
    get mallory() {
      return mallory();
    },
    get rogueCa() {
      return rogueCa();
    },
    get rogueAlice() {
      return rogueAlice();
    },
    issue,
  };
  cache.set(algorithm, fixture);
  return fixture;
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

/** The suite each fixture algorithm seals with, and a label for test names. */
export const SUITE_CASES = [
  { label: 'INTL with RSA', algorithm: 'rsa', suite: 'INTL' },
  { label: 'INTL with EC P-256', algorithm: 'ec-p256', suite: 'INTL' },
  { label: 'GM with SM2', algorithm: 'sm2', suite: 'GM' },
] as const;
