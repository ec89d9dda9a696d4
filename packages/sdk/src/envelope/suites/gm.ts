// GM suite: SM4-CTR + HMAC-SM3 encrypt-then-MAC (OpenSSL has no SM4-GCM), content keys derived with
// HKDF-SM3, SM2 key transport (GM/T 0003.4) and SM2-with-SM3 signatures with the default ID.
import { createCipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Certificate } from '../../pki/certificate.js';
import type { PrivateKey } from '../../pki/keys.js';
import { sm2Decrypt, sm2Encrypt } from '../../pki/sm2.js';
import type { RecipientEntry } from '../header.js';
import { b64url, type ContentCipher, type Suite, segmentAad, updateInto } from './suite.js';

const KEY_INFO = Buffer.from('FERRY-ENVELOPE-V1/GM/SM4-CTR+HMAC-SM3', 'ascii');
const TAG_LENGTH = 32;

function ctrIv(index: number): Buffer {
  // High 64 bits: segment index; low 64 bits: block counter, which no segment can overflow.
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(index), 0);
  return iv;
}

export const gmSuite: Suite = {
  name: 'GM',
  frameId: 0x02,
  hash: 'sm3',
  tagLength: TAG_LENGTH,
  keyAlgorithms: ['sm2'],

  generateContentKey: () => randomBytes(32),

  contentCipher(contentKey: Uint8Array, headerDigest: Uint8Array): ContentCipher {
    const keys = Buffer.from(hkdfSync('sm3', contentKey, Buffer.alloc(0), KEY_INFO, 48));
    const encKey = keys.subarray(0, 16);
    const macKey = keys.subarray(16);
    const mac = (index: number, final: boolean, ciphertext: Uint8Array): Buffer =>
      createHmac('sm3', macKey)
        .update(segmentAad(headerDigest, index, final))
        .update(ciphertext)
        .digest();
    const sealInto = (
      index: number,
      final: boolean,
      plaintext: Uint8Array,
      target: Uint8Array,
      offset: number,
    ) => {
      const end = updateInto(createCipheriv('sm4-ctr', encKey, ctrIv(index)), plaintext, target, offset);
      target.set(mac(index, final, target.subarray(offset, end)), end);
      return end + TAG_LENGTH;
    };
    /** The ciphertext of a segment whose MAC checks: unauthenticated ciphertext is never decrypted. */
    const authenticated = (index: number, final: boolean, sealed: Uint8Array): Uint8Array => {
      if (sealed.length < TAG_LENGTH) throw new Error('segment shorter than its tag');
      const ct = sealed.subarray(0, sealed.length - TAG_LENGTH);
      const tag = sealed.subarray(sealed.length - TAG_LENGTH);
      if (!timingSafeEqual(mac(index, final, ct), tag)) throw new Error('segment MAC mismatch');
      return ct;
    };
    return {
      sealInto,
      seal(index, final, plaintext) {
        const out = Buffer.allocUnsafe(plaintext.length + TAG_LENGTH);
        sealInto(index, final, plaintext, out, 0);
        return out;
      },
      open(index, final, sealed) {
        const ct = authenticated(index, final, sealed);
        const decipher = createCipheriv('sm4-ctr', encKey, ctrIv(index));
        const plain = decipher.update(ct);
        const tail = decipher.final(); // CTR: nothing, so no copy of the segment to append it
        return tail.length === 0 ? plain : Buffer.concat([plain, tail]);
      },
    };
  },

  wrapKey(contentKey: Uint8Array, recipient: Certificate) {
    const point = recipient.publicKey.sm2Point;
    if (!point) throw new Error('GM recipients need SM2 certificates');
    return { alg: 'SM2-ENC', key: b64url.encode(sm2Encrypt(contentKey, point)) } as const;
  },

  unwrapKey(entry: RecipientEntry, key: PrivateKey): Uint8Array {
    if (entry.alg !== 'SM2-ENC' || key.algorithm !== 'sm2') {
      throw new Error(`key wrap ${entry.alg} does not fit a ${key.algorithm} key`);
    }
    const cek = sm2Decrypt(b64url.decode(entry.key), key.sm2Scalar!);
    if (cek.length !== 32) throw new Error('unwrapped content key has the wrong length');
    return cek;
  },

  signatureAlgorithm: () => 'SM2-SM3',
};
