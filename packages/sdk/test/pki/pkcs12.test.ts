// PKCS#12 files written by the OpenSSL CLI, read by loadPkcs12 / loadIdentity.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadIdentity, loadPkcs12, signBytes, verifyBytes } from '../../src/pki/index.js';
import {
  ALGORITHMS,
  buildChain,
  type Chain,
  describeWithOpenssl,
  expectFerryError,
  openssl,
  tempDir,
} from './support.js';

const PASSWORD = 'p12-Secret!';

describeWithOpenssl('loadPkcs12 with files from openssl pkcs12 -export', () => {
  const dir = tempDir();
  const chains = new Map<string, Chain>();
  beforeAll(() => {
    for (const algorithm of ALGORITHMS) chains.set(algorithm, buildChain(algorithm));
  });
  afterAll(() => dir.remove());

  /** Writes key, leaf and CA certificates and exports them with `extra` openssl options. */
  function exportP12(chain: Chain, name: string, extra: string[] = []): Uint8Array {
    const key = dir.write(`${name}.key`, chain.leafKey.toPem());
    const cert = dir.write(`${name}.crt`, chain.leaf.toPem());
    const cas = dir.write(`${name}-ca.crt`, chain.inter.certificate.toPem() + chain.root.certificate.toPem());
    const out = `${name}.p12`;
    const r = openssl(
      [
        'pkcs12',
        '-export',
        '-inkey',
        key,
        '-in',
        cert,
        '-certfile',
        cas,
        '-passout',
        `pass:${PASSWORD}`,
        '-out',
        out,
        ...extra,
      ],
      dir.path,
    );
    expect(r.status, r.stderr).toBe(0);
    return new Uint8Array(readFileSync(`${dir.path}/${out}`));
  }

  it.each(ALGORITHMS)(
    'opens a %s PKCS#12 (AES-256 PBES2, the OpenSSL 3 default) with the right password',
    (algorithm) => {
      const chain = chains.get(algorithm)!;
      const p12 = exportP12(chain, `${algorithm}-default`);
      const { privateKey, certificate, chain: cas } = loadPkcs12(p12, PASSWORD);
      expect(privateKey.algorithm).toBe(algorithm);
      expect(certificate.fingerprint).toBe(chain.leaf.fingerprint);
      expect(cas.map((c) => c.fingerprint)).toEqual([
        chain.inter.certificate.fingerprint,
        chain.root.certificate.fingerprint,
      ]);
      const message = new TextEncoder().encode('signed with a key from a .p12');
      expect(verifyBytes(certificate.publicKey, message, signBytes(privateKey, message))).toBe(true);

      const identity = loadIdentity({ pkcs12: p12, password: PASSWORD });
      expect(identity.certificate.fingerprint).toBe(chain.leaf.fingerprint);
      expect(identity.chain).toHaveLength(2);
    },
  );

  it.each(ALGORITHMS)('rejects a %s PKCS#12 with the wrong password (FERRY_KEY_PASSPHRASE)', (algorithm) => {
    const p12 = exportP12(chains.get(algorithm)!, `${algorithm}-wrong`);
    expectFerryError(() => loadPkcs12(p12, 'not-the-password'), 'FERRY_KEY_PASSPHRASE');
    expectFerryError(() => loadPkcs12(p12, ''), 'FERRY_KEY_PASSPHRASE');
    expectFerryError(() => loadIdentity({ pkcs12: p12, password: 'nope' }), 'FERRY_KEY_PASSPHRASE');
  });

  it.each(ALGORITHMS)('opens a %s PKCS#12 in the legacy 3DES / SHA-1 MAC format', (algorithm) => {
    const chain = chains.get(algorithm)!;
    const p12 = exportP12(chain, `${algorithm}-legacy`, [
      '-keypbe',
      'PBE-SHA1-3DES',
      '-certpbe',
      'PBE-SHA1-3DES',
      '-macalg',
      'sha1',
    ]);
    const { certificate, privateKey } = loadPkcs12(p12, PASSWORD);
    expect(certificate.fingerprint).toBe(chain.leaf.fingerprint);
    expect(privateKey.publicKey.equals(chain.leaf.publicKey)).toBe(true);
    expectFerryError(() => loadPkcs12(p12, 'wrong'), 'FERRY_KEY_PASSPHRASE');
  });

  it('rejects input that is not a PKCS#12 file', () => {
    expectFerryError(() => loadPkcs12(new Uint8Array([1, 2, 3]), PASSWORD), 'FERRY_KEY_INVALID');
    expectFerryError(() => loadPkcs12(chains.get('rsa')!.leaf.der, PASSWORD), 'FERRY_KEY_INVALID');
  });
});
