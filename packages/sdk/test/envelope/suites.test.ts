// The suites' primitives, checked against the standards' example values and against the spec text in
// docs/protocol/envelope.md recomputed here from node:crypto, independently of the suite code.
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  createPublicKey,
  diffieHellman,
  privateDecrypt,
  randomBytes,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gmSuite } from '../../src/envelope/suites/gm.js';
import { intlSuite } from '../../src/envelope/suites/intl.js';
import { pkiFixture } from '../helpers/pki-fixtures.js';

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** HMAC exactly as RFC 2104 writes it, over a hash with 64-byte blocks. */
function hmac(hash: string, key: Uint8Array, message: Uint8Array): Buffer {
  const block = Buffer.alloc(64);
  Buffer.from(key.length > 64 ? createHash(hash).update(key).digest() : key).copy(block);
  const pad = (byte: number) => Buffer.from(block.map((b) => b ^ byte));
  const inner = createHash(hash).update(pad(0x36)).update(message).digest();
  return createHash(hash).update(pad(0x5c)).update(inner).digest();
}

/** HKDF exactly as RFC 5869 writes it (extract, then expand), on the HMAC above. */
function hkdf(hash: string, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Buffer {
  const hashLength = createHash(hash).digest().length;
  const prk = hmac(hash, salt.length ? salt : Buffer.alloc(hashLength), ikm);
  const blocks: Buffer[] = [];
  let previous: Buffer = Buffer.alloc(0);
  for (let i = 1; blocks.length * hashLength < length; i++) {
    previous = hmac(hash, prk, Buffer.concat([previous, info, Buffer.of(i)]));
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** SM4-CTR built from single SM4 block encryptions (ECB), the 128-bit counter incremented big-endian. */
function sm4CtrByBlocks(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  const out = Buffer.alloc(data.length);
  const counter = Buffer.from(iv);
  for (let at = 0; at < data.length; at += 16) {
    const ecb = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    const stream = Buffer.concat([ecb.update(counter), ecb.final()]);
    for (let i = 0; i < 16 && at + i < data.length; i++) out[at + i] = data[at + i]! ^ stream[i]!;
    for (let i = 15; i >= 0; i--) {
      counter[i] = (counter[i]! + 1) & 0xff;
      if (counter[i] !== 0) break;
    }
  }
  return out;
}

function aad(headerDigest: Uint8Array, index: number, final: boolean): Buffer {
  const out = Buffer.alloc(headerDigest.length + 9);
  Buffer.from(headerDigest).copy(out);
  out.writeBigUInt64BE(BigInt(index), headerDigest.length);
  out[headerDigest.length + 8] = final ? 1 : 0;
  return out;
}

describe('node:crypto start-up facts the GM suite rests on', () => {
  it('SM4 encrypts the GB/T 32907 example', () => {
    const key = hex('0123456789abcdeffedcba9876543210');
    const cipher = createCipheriv('sm4-ecb', key, null).setAutoPadding(false);
    expect(Buffer.concat([cipher.update(key), cipher.final()]).toString('hex')).toBe(
      '681edf34d206965e86b3e94f536e4246',
    );
  });

  it('SM3 hashes the GB/T 32905 examples', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
    expect(createHash('sm3').update('abcd'.repeat(16)).digest('hex')).toBe(
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
  });

  it('has SM4-CTR and HMAC-SM3 that agree with their definitions', () => {
    const key = randomBytes(16);
    // A counter about to carry across all 128 bits, and a length that is not a whole number of blocks.
    const iv = hex('ffffffffffffffff fffffffffffffffe');
    const data = randomBytes(16 * 5 + 7);
    const ctr = createCipheriv('sm4-ctr', key, iv);
    expect(Buffer.concat([ctr.update(data), ctr.final()]).equals(sm4CtrByBlocks(key, iv, data))).toBe(true);
    for (const keyLength of [16, 32, 64, 100]) {
      const macKey = randomBytes(keyLength);
      expect(
        createHmac('sm3', macKey)
          .update(data)
          .digest()
          .equals(hmac('sm3', macKey, data)),
      ).toBe(true);
    }
  });
});

describe('GM content cipher (SM4-CTR + HMAC-SM3)', () => {
  const contentKey = randomBytes(32);
  const headerDigest = createHash('sm3').update('{"v":1}').digest();
  const keys = hkdf(
    'sm3',
    contentKey,
    Buffer.alloc(0),
    Buffer.from('FERRY-ENVELOPE-V1/GM/SM4-CTR+HMAC-SM3', 'ascii'),
    48,
  );
  const encKey = keys.subarray(0, 16);
  const macKey = keys.subarray(16);
  const cipher = gmSuite.contentCipher(contentKey, headerDigest);

  it.each([
    { index: 0, final: false, length: 1000 },
    { index: 1, final: false, length: 16 },
    { index: 7, final: true, length: 71 },
    { index: 2 ** 40 + 3, final: false, length: 33 },
  ])('seals segment $index (final: $final) exactly as the spec says', ({ index, final, length }) => {
    const plaintext = randomBytes(length);
    const iv = Buffer.alloc(16);
    iv.writeBigUInt64BE(BigInt(index), 0);
    const ciphertext = sm4CtrByBlocks(encKey, iv, plaintext);
    const ctr = createCipheriv('sm4-ctr', encKey, iv);
    expect(Buffer.concat([ctr.update(plaintext), ctr.final()]).equals(ciphertext)).toBe(true);
    const tag = hmac('sm3', macKey, Buffer.concat([aad(headerDigest, index, final), ciphertext]));
    const sealed = Buffer.from(cipher.seal(index, final, plaintext));
    expect(sealed.toString('hex')).toBe(Buffer.concat([ciphertext, tag]).toString('hex'));
    expect(Buffer.from(cipher.open(index, final, sealed)).equals(plaintext)).toBe(true);
  });

  it('refuses a changed tag, ciphertext, index, final flag or header digest', () => {
    const sealed = Buffer.from(cipher.seal(3, false, Buffer.from('政务数据')));
    for (let i = 0; i < sealed.length; i++) {
      const bad = Buffer.from(sealed);
      bad[i]! ^= 0x01;
      expect(() => cipher.open(3, false, bad)).toThrow();
    }
    expect(() => cipher.open(4, false, sealed)).toThrow();
    expect(() => cipher.open(3, true, sealed)).toThrow();
    expect(() => gmSuite.contentCipher(contentKey, Buffer.alloc(32)).open(3, false, sealed)).toThrow();
    expect(() => cipher.open(3, false, sealed.subarray(0, 31))).toThrow();
  });
});

describe('INTL content cipher (AES-256-GCM)', () => {
  it('seals with nonce 00000000 ‖ u64(index) and the segment AAD', () => {
    const contentKey = randomBytes(32);
    const headerDigest = createHash('sha256').update('{"v":1}').digest();
    const cipher = intlSuite.contentCipher(contentKey, headerDigest);
    const plaintext = randomBytes(100);
    const nonce = Buffer.alloc(12);
    nonce.writeBigUInt64BE(5n, 4);
    const gcm = createCipheriv('aes-256-gcm', contentKey, nonce).setAAD(aad(headerDigest, 5, true));
    const expected = Buffer.concat([gcm.update(plaintext), gcm.final(), gcm.getAuthTag()]);
    expect(Buffer.from(cipher.seal(5, true, plaintext)).equals(expected)).toBe(true);
    expect(() => cipher.open(5, false, expected)).toThrow();
  });
});

describe('key transport', () => {
  it('RSA-OAEP-256 unwraps with plain node:crypto', () => {
    const { bob } = pkiFixture('rsa');
    const cek = randomBytes(32);
    const entry = intlSuite.wrapKey(cek, bob.certificate, bob.certificate.fingerprint);
    expect(entry.alg).toBe('RSA-OAEP-256');
    const plain = privateDecrypt(
      { key: bob.privateKey.keyObject!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      Buffer.from(entry.key, 'base64url'),
    );
    expect(plain.equals(cek)).toBe(true);
  });

  it('ECDH-ES+A256KW unwraps as the spec describes (HKDF-SHA-256 with epk salt and kid info, then AES-KW)', () => {
    const { bob } = pkiFixture('ec-p256');
    const cek = randomBytes(32);
    const kid = bob.certificate.fingerprint;
    const entry = intlSuite.wrapKey(cek, bob.certificate, kid);
    expect(entry.alg).toBe('ECDH-ES+A256KW');
    const epk = Buffer.from(entry.epk!, 'base64url');
    expect(epk).toHaveLength(65);
    const ephemeral = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: epk.subarray(1, 33).toString('base64url'),
        y: epk.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    });
    const z = diffieHellman({ privateKey: bob.privateKey.keyObject!, publicKey: ephemeral });
    // Cross-check the shared secret through the other ECDH API.
    const jwk = bob.privateKey.keyObject!.export({ format: 'jwk' });
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(jwk.d!, 'base64url'));
    expect(ecdh.computeSecret(epk).equals(z)).toBe(true);
    const kek = hkdf('sha256', z, epk, Buffer.from(`FERRY-ENVELOPE-V1/ECDH-ES+A256KW/${kid}`, 'ascii'), 32);
    const wrapped = Buffer.from(entry.key, 'base64url');
    expect(wrapped).toHaveLength(40);
    const unwrap = createDecipheriv('id-aes256-wrap', kek, hex('A6A6A6A6A6A6A6A6'));
    expect(Buffer.concat([unwrap.update(wrapped), unwrap.final()]).equals(cek)).toBe(true);
    expect(Buffer.from(intlSuite.unwrapKey({ dept: 'x', kid, ...entry }, bob.privateKey)).equals(cek)).toBe(
      true,
    );
    // The kid is bound into the KEK: the same entry under another kid does not unwrap.
    expect(() => intlSuite.unwrapKey({ dept: 'x', kid: '0'.repeat(64), ...entry }, bob.privateKey)).toThrow();
  });

  it('SM2-ENC is C1 ‖ C3 ‖ C2, 129 bytes for a 32-byte key, and unwraps', () => {
    const { bob } = pkiFixture('sm2');
    const cek = randomBytes(32);
    const entry = gmSuite.wrapKey(cek, bob.certificate, bob.certificate.fingerprint);
    const wrapped = Buffer.from(entry.key, 'base64url');
    expect(entry.alg).toBe('SM2-ENC');
    expect(wrapped).toHaveLength(129);
    expect(wrapped[0]).toBe(0x04);
    const full = { dept: 'x', kid: bob.certificate.fingerprint, ...entry };
    expect(Buffer.from(gmSuite.unwrapKey(full, bob.privateKey)).equals(cek)).toBe(true);
    const tampered = Buffer.from(wrapped);
    tampered[70]! ^= 1; // inside C3, the SM3 check value
    expect(() =>
      gmSuite.unwrapKey({ ...full, key: tampered.toString('base64url') }, bob.privateKey),
    ).toThrow();
  });
});
