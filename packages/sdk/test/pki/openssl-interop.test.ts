// Cross-checks against independent implementations: the OpenSSL 3 CLI for everything, and the `sm-crypto`
// library as a second SM2 implementation. OpenSSL hashes an empty SM2 ID unless told otherwise, so every SM2
// command passes the default ID (GM/T 0009) with `distid:1234567812345678`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Certificate,
  CertificateRequest,
  createCsr,
  issueCertificate,
  type KeyAlgorithm,
  loadPrivateKey,
  SM2_DEFAULT_ID,
  signBytes,
  TrustStore,
  verifyBytes,
  verifyCertificate,
} from '../../src/pki/index.js';
import {
  ALGORITHMS,
  buildChain,
  type Chain,
  DEPT_CODE,
  describeWithOpenssl,
  flipByte,
  newKey,
  openssl,
  tempDir,
} from './support.js';

const DISTID = `distid:${SM2_DEFAULT_ID}`;
/** Options OpenSSL needs to sign (`-sigopt`) and verify (`-vfyopt`) SM2 with the default ID. */
const sm2Sign = (algorithm: KeyAlgorithm) =>
  algorithm === 'sm2' ? ['-sm3', '-sigopt', DISTID] : ['-sha256'];
const sm2Verify = (algorithm: KeyAlgorithm) => (algorithm === 'sm2' ? ['-vfyopt', DISTID] : []);

const GENPKEY: Record<KeyAlgorithm, string[]> = {
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  'ec-p256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  sm2: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2'],
};

const OPENSSL_CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[v3_leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation,keyEncipherment,keyAgreement
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

describeWithOpenssl('OpenSSL interop', () => {
  const dir = tempDir();
  const chains = new Map<KeyAlgorithm, Chain>();
  const files = new Map<KeyAlgorithm, { root: string; inter: string; leaf: string }>();
  beforeAll(() => {
    dir.write('openssl.cnf', OPENSSL_CONFIG);
    for (const algorithm of ALGORITHMS) {
      const chain = buildChain(algorithm);
      chains.set(algorithm, chain);
      files.set(algorithm, {
        root: dir.write(`${algorithm}-root.pem`, chain.root.certificate.toPem()),
        inter: dir.write(`${algorithm}-inter.pem`, chain.inter.certificate.toPem()),
        leaf: dir.write(`${algorithm}-leaf.pem`, chain.leaf.toPem()),
      });
    }
  });
  afterAll(() => dir.remove());

  describe.each(ALGORITHMS)('Ferry certificates read by OpenSSL (%s)', (algorithm) => {
    it('openssl x509 parses them, including the organizationIdentifier', () => {
      const { leaf } = files.get(algorithm)!;
      const chain = chains.get(algorithm)!;
      const text = openssl(['x509', '-in', leaf, '-noout', '-text'], dir.path);
      expect(text.status, text.stderr).toBe(0);
      expect(text.stdout).toContain(`organizationIdentifier = ${DEPT_CODE}`);
      expect(text.stdout).toContain('Digital Signature, Non Repudiation');
      expect(text.stdout).toContain(
        { rsa: 'sha256WithRSAEncryption', 'ec-p256': 'ecdsa-with-SHA256', sm2: 'SM2-with-SM3' }[algorithm],
      );
      const subject = openssl(
        ['x509', '-in', leaf, '-noout', '-subject', '-nameopt', 'RFC2253,-esc_msb'],
        dir.path,
      );
      expect(subject.stdout.trim()).toBe(`subject=${chain.leaf.subject.text}`);
      const ski = openssl(['x509', '-in', leaf, '-noout', '-ext', 'subjectKeyIdentifier'], dir.path);
      expect(ski.stdout.replace(/[\s:]/g, '').toLowerCase()).toContain(chain.leaf.subjectKeyId);
      const serial = openssl(['x509', '-in', leaf, '-noout', '-serial'], dir.path);
      expect(serial.stdout.trim().toLowerCase()).toBe(`serial=${chain.leaf.serialNumber}`);
    });
  });

  it.each(['rsa', 'ec-p256'] as const)('openssl verify accepts the %s chain', (algorithm) => {
    const { root, inter, leaf } = files.get(algorithm)!;
    const r = openssl(['verify', '-check_ss_sig', '-CAfile', root, '-untrusted', inter, leaf], dir.path);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`${leaf}: OK`);
  });

  it('openssl verify accepts every link of the SM2 chain with the default ID, and rejects them without it', () => {
    // OpenSSL 3.0 applies -vfyopt only to the certificate named on the command line, so each link is checked
    // on its own: the intermediate against the root, then the leaf against the intermediate (-partial_chain).
    const { root, inter, leaf } = files.get('sm2')!;
    const interOk = openssl(['verify', '-vfyopt', DISTID, '-CAfile', root, inter], dir.path);
    expect(interOk.status, interOk.stderr).toBe(0);
    const leafOk = openssl(['verify', '-vfyopt', DISTID, '-partial_chain', '-CAfile', inter, leaf], dir.path);
    expect(leafOk.status, leafOk.stderr).toBe(0);
    const noId = openssl(['verify', '-partial_chain', '-CAfile', inter, leaf], dir.path);
    expect(noId.status).not.toBe(0);
    expect(noId.stdout + noId.stderr).toContain('certificate signature failure');
  });

  it('openssl pkeyutl verifies the SM2 root self-signature over the raw TBSCertificate', () => {
    const chain = chains.get('sm2')!;
    const cert = chain.root.certificate;
    const pub = dir.write('sm2-root-pub.pem', cert.publicKey.toPem());
    const tbs = dir.write('sm2-root.tbs', cert.tbs);
    const sig = dir.write('sm2-root.sig', cert.signature);
    const ok = openssl(pkeyutlVerify(pub, tbs, sig), dir.path);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('Signature Verified Successfully');
  });

  it('sm-crypto (an independent SM2 implementation) verifies our SM2 certificate and CSR signatures', () => {
    const require = createRequire(import.meta.url);
    const smCrypto = require('sm-crypto') as {
      sm2: {
        doVerifySignature(
          msg: Uint8Array,
          sigHex: string,
          publicKeyHex: string,
          options: { der: boolean; hash: boolean; userId?: string },
        ): boolean;
      };
    };
    const chain = chains.get('sm2')!;
    const check = (tbs: Uint8Array, signature: Uint8Array, issuer: Certificate) =>
      smCrypto.sm2.doVerifySignature(tbs, Buffer.from(signature).toString('hex'), sm2PointHex(issuer), {
        der: true,
        hash: true,
        userId: SM2_DEFAULT_ID,
      });
    expect(check(chain.root.certificate.tbs, chain.root.certificate.signature, chain.root.certificate)).toBe(
      true,
    );
    expect(
      check(chain.inter.certificate.tbs, chain.inter.certificate.signature, chain.root.certificate),
    ).toBe(true);
    expect(check(chain.leaf.tbs, chain.leaf.signature, chain.inter.certificate)).toBe(true);
    expect(check(flipByte(chain.leaf.tbs, 40), chain.leaf.signature, chain.inter.certificate)).toBe(false);
  });

  describe('SM2 signatures, both directions, with the default ID', () => {
    const message = new TextEncoder().encode('政务数据共享交换 SM2 互操作测试 ✓');
    let msgFile: string;
    beforeAll(() => {
      msgFile = dir.write('sm2.msg', message);
    });

    it('a signBytes signature verifies in openssl pkeyutl (and not with another ID)', () => {
      const key = newKey('sm2');
      const pub = dir.write('ours-pub.pem', key.publicKey.toPem());
      const sig = dir.write('ours.sig', signBytes(key, message, 'sm2-sm3'));
      const ok = openssl(pkeyutlVerify(pub, msgFile, sig), dir.path);
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('Signature Verified Successfully');
      const otherId = openssl(pkeyutlVerify(pub, msgFile, sig, 'distid:1234'), dir.path);
      expect(otherId.status).not.toBe(0);
    });

    it('an openssl pkeyutl signature verifies with verifyBytes (our key and an OpenSSL key)', () => {
      const ours = newKey('sm2');
      const oursPem = dir.write('ours-key.pem', ours.toPem());
      const theirsPem = `${dir.path}/theirs-key.pem`;
      const gen = openssl(['genpkey', ...GENPKEY.sm2, '-out', theirsPem], dir.path);
      expect(gen.status, gen.stderr).toBe(0);
      const theirs = loadPrivateKey(readFileSync(theirsPem, 'utf8'));
      expect(theirs.algorithm).toBe('sm2');

      for (const [name, keyFile, key] of [
        ['ours', oursPem, ours],
        ['theirs', theirsPem, theirs],
      ] as const) {
        const sigFile = `${dir.path}/${name}-openssl.sig`;
        const r = openssl(
          [
            'pkeyutl',
            '-sign',
            '-in',
            msgFile,
            '-rawin',
            '-digest',
            'sm3',
            '-inkey',
            keyFile,
            '-pkeyopt',
            DISTID,
            '-out',
            sigFile,
          ],
          dir.path,
        );
        expect(r.status, r.stderr).toBe(0);
        const signature = new Uint8Array(readFileSync(sigFile));
        expect(verifyBytes(key.publicKey, message, signature, 'sm2-sm3')).toBe(true);
        expect(verifyBytes(key.publicKey, flipByte(message, 0), signature, 'sm2-sm3')).toBe(false);
      }
    });
  });

  describe.each(ALGORITHMS)('OpenSSL-made keys, CSRs and certificates read by Ferry (%s)', (algorithm) => {
    let caKey: string;
    let caCert: string;
    let leafKey: string;
    let leafCsr: string;
    beforeAll(() => {
      caKey = `${dir.path}/ossl-${algorithm}-ca.key`;
      leafKey = `${dir.path}/ossl-${algorithm}-leaf.key`;
      caCert = `${dir.path}/ossl-${algorithm}-ca.pem`;
      leafCsr = `${dir.path}/ossl-${algorithm}-leaf.csr`;
      for (const file of [caKey, leafKey]) {
        const r = openssl(['genpkey', ...GENPKEY[algorithm], '-out', file], dir.path);
        expect(r.status, r.stderr).toBe(0);
      }
      const ca = openssl(
        [
          'req',
          '-config',
          'openssl.cnf',
          '-x509',
          '-new',
          '-key',
          caKey,
          '-utf8',
          '-subj',
          '/C=CN/O=OpenSSL 测试/CN=OpenSSL Root',
          '-extensions',
          'v3_ca',
          '-days',
          '30',
          '-out',
          caCert,
          ...sm2Sign(algorithm),
        ],
        dir.path,
      );
      expect(ca.status, ca.stderr).toBe(0);
      const csr = openssl(
        [
          'req',
          '-config',
          'openssl.cnf',
          '-new',
          '-key',
          leafKey,
          '-utf8',
          '-subj',
          `/C=CN/O=某县农业农村局/organizationIdentifier=${DEPT_CODE}/CN=县农业农村局`,
          '-out',
          leafCsr,
          ...sm2Sign(algorithm),
        ],
        dir.path,
      );
      expect(csr.status, csr.stderr).toBe(0);
    });

    it('parses and verifies an OpenSSL CSR, and issues from it a certificate OpenSSL verifies', () => {
      const csr = CertificateRequest.parse(readFileSync(leafCsr));
      expect(csr.subject.departmentCode).toBe(DEPT_CODE);
      expect(csr.subject.organization).toBe('某县农业农村局');
      expect(csr.verifySignature()).toBe(true);

      const chain = chains.get(algorithm)!;
      const cert = issueCertificate({ issuer: chain.inter, csr });
      const certFile = dir.write(`ossl-${algorithm}-issued.pem`, cert.toPem());
      const { inter } = files.get(algorithm)!;
      const r = openssl(
        ['verify', ...sm2Verify(algorithm), '-partial_chain', '-CAfile', inter, certFile],
        dir.path,
      );
      expect(r.status, r.stderr).toBe(0);
    });

    it('OpenSSL verifies a Ferry CSR', () => {
      const csr = createCsr({
        key: newKey(algorithm),
        subject: { commonName: 'csr check', departmentCode: DEPT_CODE },
      });
      const file = dir.write(`ferry-${algorithm}.csr`, csr.toPem());
      const r = openssl(['req', '-in', file, '-noout', '-verify', ...sm2Verify(algorithm)], dir.path);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/verify OK/);
    });

    it('verifies a certificate chain made entirely by OpenSSL', () => {
      const leafCert = `${dir.path}/ossl-${algorithm}-leaf.pem`;
      const r = openssl(
        [
          'x509',
          '-req',
          '-in',
          leafCsr,
          '-CA',
          caCert,
          '-CAkey',
          caKey,
          '-set_serial',
          '0x2A0B',
          '-days',
          '10',
          '-extfile',
          'openssl.cnf',
          '-extensions',
          'v3_leaf',
          '-out',
          leafCert,
          ...sm2Sign(algorithm),
          ...sm2Verify(algorithm),
        ],
        dir.path,
      );
      expect(r.status, r.stderr).toBe(0);
      const root = Certificate.parse(readFileSync(caCert));
      const leaf = Certificate.parse(readFileSync(leafCert));
      expect(leaf.serialNumber).toBe('2a0b');
      expect(leaf.departmentCode).toBe(DEPT_CODE);
      const path = verifyCertificate(leaf, {
        trust: new TrustStore([root]),
        usage: ['digitalSignature', 'nonRepudiation'],
        departmentCode: DEPT_CODE,
      });
      expect(path).toHaveLength(2);
      expect(leaf.authorityKeyId).toBe(root.subjectKeyId);
    });

    it('loads an OpenSSL-encrypted PKCS#8 key', () => {
      const out = `${dir.path}/ossl-${algorithm}-enc.key`;
      const r = openssl(
        ['pkcs8', '-topk8', '-in', leafKey, '-v2', 'aes-256-cbc', '-passout', 'pass:ossl-pass', '-out', out],
        dir.path,
      );
      expect(r.status, r.stderr).toBe(0);
      const key = loadPrivateKey(readFileSync(out, 'utf8'), { passphrase: 'ossl-pass' });
      const plain = loadPrivateKey(readFileSync(leafKey, 'utf8'));
      expect(key.algorithm).toBe(algorithm);
      expect(key.publicKey.equals(plain.publicKey)).toBe(true);
    });

    it('OpenSSL reads a Ferry-encrypted PEM key', () => {
      const key = newKey(algorithm);
      const file = dir.write(`ferry-${algorithm}-enc.key`, key.toPem('ferry-pass'));
      const r = openssl(['pkey', '-in', file, '-passin', 'pass:ferry-pass', '-pubout'], dir.path);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(key.publicKey.toPem());
    });
  });
});

function pkeyutlVerify(pub: string, data: string, sig: string, distid = DISTID): string[] {
  return [
    'pkeyutl',
    '-verify',
    '-pubin',
    '-inkey',
    pub,
    '-rawin',
    '-digest',
    'sm3',
    '-in',
    data,
    '-sigfile',
    sig,
    '-pkeyopt',
    distid,
  ];
}

/** The uncompressed SM2 point of a certificate's key, as hex (the form sm-crypto takes). */
function sm2PointHex(cert: Certificate): string {
  // The point is the last 65 bytes of the SubjectPublicKeyInfo.
  return Buffer.from(cert.publicKey.spki.subarray(-65)).toString('hex');
}
