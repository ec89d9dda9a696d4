import { beforeAll, describe, expect, it } from 'vitest';
import { loadIdentity, loadPrivateKey, signBytes, verifyBytes } from '../../src/pki/index.js';
import { ALGORITHMS, buildChain, type Chain, expectFerryError, newKey } from './support.js';

describe.each(ALGORITHMS)('private keys and identities (%s)', (algorithm) => {
  let chain: Chain;
  beforeAll(() => {
    chain = buildChain(algorithm);
  });

  it('loads an encrypted PEM key with the right passphrase only', () => {
    const pem = chain.leafKey.toPem('correct horse 电池');
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
    const key = loadPrivateKey(pem, { passphrase: 'correct horse 电池' });
    expect(key.algorithm).toBe(algorithm);
    expect(key.publicKey.equals(chain.leaf.publicKey)).toBe(true);
    const message = new TextEncoder().encode('loaded key signs');
    expect(verifyBytes(chain.leaf.publicKey, message, signBytes(key, message))).toBe(true);

    expectFerryError(() => loadPrivateKey(pem, { passphrase: 'wrong' }), 'FERRY_KEY_PASSPHRASE');
    expectFerryError(() => loadPrivateKey(pem), 'FERRY_KEY_PASSPHRASE');
  });

  it('round-trips an unencrypted PKCS#8 key through PEM and DER', () => {
    const fromPem = loadPrivateKey(chain.leafKey.toPem());
    const fromDer = loadPrivateKey(chain.leafKey.toPkcs8());
    expect(fromPem.publicKey.equals(chain.leafKey.publicKey)).toBe(true);
    expect(fromDer.publicKey.equals(chain.leafKey.publicKey)).toBe(true);
  });

  it('loadIdentity reads a certificate bundle and an encrypted key', () => {
    const identity = loadIdentity({
      certificate: chain.leaf.toPem() + chain.inter.certificate.toPem(),
      privateKey: chain.leafKey.toPem('pw'),
      passphrase: 'pw',
    });
    expect(identity.certificate.fingerprint).toBe(chain.leaf.fingerprint);
    expect(identity.chain?.map((c) => c.fingerprint)).toEqual([chain.inter.certificate.fingerprint]);
    expect(identity.privateKey.publicKey.equals(chain.leaf.publicKey)).toBe(true);
    expect(identity.encryption).toBeUndefined();
  });

  it('loadIdentity refuses a key that does not belong to the certificate', () => {
    expectFerryError(
      () => loadIdentity({ certificate: chain.leaf.toPem(), privateKey: newKey(algorithm).toPem() }),
      'FERRY_KEY_INVALID',
    );
    expectFerryError(
      () =>
        loadIdentity({
          certificate: chain.leaf.toPem(),
          privateKey: chain.leafKey.toPem('pw'),
          passphrase: 'no',
        }),
      'FERRY_KEY_PASSPHRASE',
    );
  });

  it('loadIdentity takes a separate encryption certificate (dual certificates)', () => {
    const identity = loadIdentity({
      certificate: chain.leaf.toPem(),
      privateKey: chain.leafKey.toPem(),
      encryption: {
        certificate: chain.inter.certificate.toPem(),
        privateKey: chain.inter.privateKey.toPem(),
      },
    });
    expect(identity.encryption?.certificate.fingerprint).toBe(chain.inter.certificate.fingerprint);
  });
});
