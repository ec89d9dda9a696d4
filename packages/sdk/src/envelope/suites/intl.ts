// INTL suite: AES-256-GCM content, RSA-OAEP-256 or ECDH-ES (P-256, HKDF-SHA256) + AES-256-KW key wrap,
// RSA-PSS-SHA256 or ECDSA-P256-SHA256 signatures. Every primitive is OpenSSL through node:crypto.
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createECDH,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import type { Certificate } from '../../pki/certificate.js';
import type { PrivateKey, PublicKey } from '../../pki/keys.js';
import type { RecipientEntry } from '../header.js';
import { b64url, type ContentCipher, type Suite, segmentAad, updateInto } from './suite.js';

const AES_KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
const ECDH_INFO = 'FERRY-ENVELOPE-V1/ECDH-ES+A256KW/';

function gcmNonce(index: number): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 4);
  return nonce;
}

function kek(shared: Uint8Array, epk: Uint8Array, kid: string): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, epk, Buffer.from(ECDH_INFO + kid, 'ascii'), 32));
}

// Uncompressed point of a recipient's P-256 key, remembered per key: every envelope to it needs it.
const POINTS = new WeakMap<PublicKey, Buffer>();

function recipientPoint(key: PublicKey): Buffer {
  let point = POINTS.get(key);
  if (!point) {
    const jwk = key.keyObject!.export({ format: 'jwk' });
    point = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    POINTS.set(key, point);
  }
  return point;
}

export const intlSuite: Suite = {
  name: 'INTL',
  frameId: 0x01,
  hash: 'sha256',
  tagLength: 16,
  keyAlgorithms: ['rsa', 'ec-p256'],

  generateContentKey: () => randomBytes(32),

  contentCipher(contentKey: Uint8Array, headerDigest: Uint8Array): ContentCipher {
    const sealInto = (
      index: number,
      final: boolean,
      plaintext: Uint8Array,
      target: Uint8Array,
      offset: number,
    ) => {
      const cipher = createCipheriv('aes-256-gcm', contentKey, gcmNonce(index));
      cipher.setAAD(segmentAad(headerDigest, index, final));
      const end = updateInto(cipher, plaintext, target, offset);
      target.set(cipher.getAuthTag(), end);
      return end + 16;
    };
    const gcmDecipher = (index: number, final: boolean, sealed: Uint8Array) => {
      if (sealed.length < 16) throw new Error('segment shorter than its tag');
      const decipher = createDecipheriv('aes-256-gcm', contentKey, gcmNonce(index));
      decipher.setAAD(segmentAad(headerDigest, index, final));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      return decipher;
    };
    return {
      sealInto,
      seal(index, final, plaintext) {
        const out = Buffer.allocUnsafe(plaintext.length + 16);
        sealInto(index, final, plaintext, out, 0);
        return out;
      },
      open(index, final, sealed) {
        const decipher = gcmDecipher(index, final, sealed);
        const head = decipher.update(sealed.subarray(0, sealed.length - 16));
        const tail = decipher.final();
        return tail.length === 0 ? head : Buffer.concat([head, tail]);
      },
    };
  },

  wrapKey(contentKey: Uint8Array, recipient: Certificate, kid: string) {
    const pub = recipient.publicKey;
    if (pub.algorithm === 'rsa') {
      const key = publicEncrypt(
        { key: pub.keyObject!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        contentKey,
      );
      return { alg: 'RSA-OAEP-256', key: b64url.encode(key) } as const;
    }
    // The ephemeral key through the ECDH class: about a fifth cheaper than generateKeyPairSync + export +
    // diffieHellman, and the key never needs to become a KeyObject. computeSecret checks the point is on the curve.
    const ephemeral = createECDH('prime256v1');
    const epk = ephemeral.generateKeys();
    const shared = ephemeral.computeSecret(recipientPoint(pub));
    const cipher = createCipheriv('id-aes256-wrap', kek(shared, epk, kid), AES_KW_IV);
    const wrapped = Buffer.concat([cipher.update(contentKey), cipher.final()]);
    return { alg: 'ECDH-ES+A256KW', epk: b64url.encode(epk), key: b64url.encode(wrapped) } as const;
  },

  unwrapKey(entry: RecipientEntry, key: PrivateKey): Uint8Array {
    const wrapped = b64url.decode(entry.key);
    if (entry.alg === 'RSA-OAEP-256' && key.algorithm === 'rsa') {
      return privateDecrypt(
        { key: key.keyObject!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
        wrapped,
      );
    }
    if (entry.alg === 'ECDH-ES+A256KW' && key.algorithm === 'ec-p256' && entry.epk) {
      const epk = b64url.decode(entry.epk);
      if (epk.length !== 65 || epk[0] !== 4)
        throw new Error('ephemeral key is not an uncompressed P-256 point');
      const ephemeralPublic = createPublicKey({
        key: {
          kty: 'EC',
          crv: 'P-256',
          x: epk.subarray(1, 33).toString('base64url'),
          y: epk.subarray(33).toString('base64url'),
        },
        format: 'jwk',
      });
      const shared = diffieHellman({ privateKey: key.keyObject!, publicKey: ephemeralPublic });
      const decipher = createDecipheriv('id-aes256-wrap', kek(shared, epk, entry.kid), AES_KW_IV);
      return Buffer.concat([decipher.update(wrapped), decipher.final()]);
    }
    throw new Error(`key wrap ${entry.alg} does not fit a ${key.algorithm} key`);
  },

  signatureAlgorithm: (alg) => (alg === 'rsa' ? 'RSA-PSS-SHA256' : 'ECDSA-P256-SHA256'),
};
