// Private and public keys of the three kinds Ferry uses, behind one type so that callers never branch on
// the library that does the work: RSA and ECDSA P-256 live in node:crypto KeyObjects, SM2 as raw scalars.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { ECParameters, ECPrivateKey } from '@peculiar/asn1-ecc';
import { PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { FerryError } from '../errors/index.js';
import { OID } from './oids.js';
import { derToPem, type PemInput, pemToDer } from './pem.js';
import { sm2GenerateRaw, sm2PublicFromPrivate } from './sm2.js';

/** The key algorithms Ferry supports: `rsa` (2048+ bits), `ec-p256` (NIST P-256) and `sm2` (GM/T 0003). */
export type KeyAlgorithm = 'rsa' | 'ec-p256' | 'sm2';

/** A public key, from a certificate or a key pair. */
export class PublicKey {
  /** @internal */
  constructor(
    /** Which algorithm the key is for. */
    readonly algorithm: KeyAlgorithm,
    /** DER `SubjectPublicKeyInfo`. */
    readonly spki: Uint8Array,
    /** @internal node:crypto key (RSA, P-256) */
    readonly keyObject: KeyObject | undefined,
    /** @internal SM2 uncompressed point */
    readonly sm2Point: Uint8Array | undefined,
  ) {}

  /** PEM `PUBLIC KEY`. */
  toPem(): string {
    return derToPem(this.spki, 'PUBLIC KEY');
  }

  /** True when both keys are the same key. */
  equals(other: PublicKey): boolean {
    return Buffer.from(this.spki).equals(Buffer.from(other.spki));
  }
}

/** A private key with its public half. Never serialised unless you call {@link PrivateKey.toPem}. */
export class PrivateKey {
  /** @internal */
  constructor(
    readonly algorithm: KeyAlgorithm,
    readonly publicKey: PublicKey,
    /** @internal */
    readonly keyObject: KeyObject | undefined,
    /** @internal SM2 private scalar */
    readonly sm2Scalar: Uint8Array | undefined,
  ) {}

  /** DER PKCS#8 `PrivateKeyInfo` (unencrypted). */
  toPkcs8(): Uint8Array {
    if (this.keyObject) return new Uint8Array(this.keyObject.export({ type: 'pkcs8', format: 'der' }));
    return sm2Pkcs8(this.sm2Scalar!, this.publicKey.sm2Point!);
  }

  /**
   * PEM PKCS#8. With a passphrase the key is encrypted (PBES2, PBKDF2 + AES-256-CBC) by OpenSSL.
   *
   * @example
   * ```ts
   * await fs.writeFile('dept.key', key.toPem(process.env.KEY_PASSPHRASE));
   * ```
   */
  toPem(passphrase?: string): string {
    if (passphrase === undefined) return derToPem(this.toPkcs8(), 'PRIVATE KEY');
    const ko =
      this.keyObject ?? createPrivateKey({ key: Buffer.from(this.toPkcs8()), format: 'der', type: 'pkcs8' });
    return ko.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
  }
}

/** Options for {@link generateKeyPair}. */
export interface GenerateKeyOptions {
  /** RSA modulus length; default 3072, minimum 2048. */
  rsaBits?: number;
}

/**
 * Generates a new private key (its public half is `key.publicKey`).
 *
 * @example
 * ```ts
 * const key = generateKeyPair('sm2');
 * console.log(key.publicKey.toPem());
 * ```
 */
export function generateKeyPair(algorithm: KeyAlgorithm, options: GenerateKeyOptions = {}): PrivateKey {
  switch (algorithm) {
    case 'rsa': {
      const bits = options.rsaBits ?? 3072;
      if (bits < 2048)
        throw new FerryError('FERRY_INVALID_ARGUMENT', `RSA keys must be at least 2048 bits, got ${bits}`);
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
      return fromKeyObject(privateKey);
    }
    case 'ec-p256': {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      return fromKeyObject(privateKey);
    }
    case 'sm2': {
      const { d, publicPoint } = sm2GenerateRaw();
      return new PrivateKey('sm2', sm2PublicKey(publicPoint), undefined, d);
    }
    default:
      throw new FerryError('FERRY_INVALID_ARGUMENT', `Unknown key algorithm "${String(algorithm)}"`);
  }
}

/**
 * Loads a private key from PEM (PKCS#8, encrypted PKCS#8, PKCS#1 RSA, SEC1 EC) or DER PKCS#8.
 *
 * @example
 * ```ts
 * const key = loadPrivateKey(await fs.readFile('dept.key'), { passphrase: 'secret' });
 * ```
 */
export function loadPrivateKey(input: PemInput, options: { passphrase?: string } = {}): PrivateKey {
  const pkcs8 = decodePrivateKeyToPkcs8(input, options.passphrase);
  return privateKeyFromPkcs8(pkcs8);
}

/** Parses a DER PKCS#8 `PrivateKeyInfo`. */
export function privateKeyFromPkcs8(pkcs8: Uint8Array): PrivateKey {
  let info: PrivateKeyInfo;
  try {
    info = AsnConvert.parse(pkcs8, PrivateKeyInfo);
  } catch (cause) {
    throw new FerryError('FERRY_KEY_INVALID', 'The private key is not a valid PKCS#8 structure', { cause });
  }
  const algOid = info.privateKeyAlgorithm.algorithm;
  if (algOid === OID.ecPublicKey && curveOf(info.privateKeyAlgorithm) === OID.sm2Curve) {
    const ec = AsnConvert.parse(info.privateKey.buffer, ECPrivateKey);
    const d = leftPad32(new Uint8Array(ec.privateKey.buffer));
    const point = sm2PublicFromPrivate(d);
    return new PrivateKey('sm2', sm2PublicKey(point), undefined, d);
  }
  try {
    return fromKeyObject(createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' }));
  } catch (cause) {
    if (cause instanceof FerryError) throw cause;
    throw new FerryError('FERRY_KEY_INVALID', 'The private key could not be loaded', { cause });
  }
}

/**
 * Loads a public key from PEM or DER `SubjectPublicKeyInfo`.
 */
export function loadPublicKey(input: PemInput): PublicKey {
  return publicKeyFromSpki(pemToDer(input, ['PUBLIC KEY']));
}

/** Parses a DER `SubjectPublicKeyInfo` into a {@link PublicKey}. */
export function publicKeyFromSpki(spki: Uint8Array): PublicKey {
  let info: SubjectPublicKeyInfo;
  try {
    info = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  } catch (cause) {
    throw new FerryError('FERRY_KEY_INVALID', 'The public key is not a valid SubjectPublicKeyInfo', {
      cause,
    });
  }
  const oid = info.algorithm.algorithm;
  if (oid === OID.ecPublicKey && curveOf(info.algorithm) === OID.sm2Curve) {
    return sm2PublicKey(new Uint8Array(info.subjectPublicKey));
  }
  if (oid !== OID.rsaEncryption && oid !== OID.ecPublicKey) {
    throw new FerryError('FERRY_KEY_INVALID', `Unsupported public key algorithm ${oid}`);
  }
  let ko: KeyObject;
  try {
    ko = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (cause) {
    throw new FerryError('FERRY_KEY_INVALID', 'The public key could not be loaded', { cause });
  }
  return publicFromKeyObject(ko);
}

function decodePrivateKeyToPkcs8(input: PemInput, passphrase: string | undefined): Uint8Array {
  const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
  if (!text.includes('-----BEGIN')) return typeof input === 'string' ? Buffer.from(input, 'base64') : input;
  if (text.includes('-----BEGIN PRIVATE KEY-----')) return pemToDer(text, ['PRIVATE KEY']);
  // Encrypted PKCS#8, PKCS#1 and SEC1: let OpenSSL decode, then continue from PKCS#8.
  try {
    const ko = createPrivateKey({ key: text, ...(passphrase === undefined ? {} : { passphrase }) });
    return new Uint8Array(ko.export({ type: 'pkcs8', format: 'der' }));
  } catch (cause) {
    const msg = String((cause as Error).message ?? '');
    // A wrong passphrase passes the CBC padding check about once in 256 tries and then fails as a bad
    // structure: for an encrypted key, any failure means the passphrase did not open it.
    if (/passphrase|bad decrypt|decrypt/i.test(msg) || text.includes('ENCRYPTED')) {
      throw new FerryError(
        'FERRY_KEY_PASSPHRASE',
        passphrase === undefined
          ? 'The private key is encrypted: pass its passphrase'
          : 'The private key could not be decrypted with the passphrase given',
        { cause },
      );
    }
    throw new FerryError('FERRY_KEY_INVALID', 'The private key could not be loaded', { cause });
  }
}

function fromKeyObject(ko: KeyObject): PrivateKey {
  const algorithm = algorithmOf(ko);
  return new PrivateKey(algorithm, publicFromKeyObject(createPublicKey(ko)), ko, undefined);
}

function publicFromKeyObject(ko: KeyObject): PublicKey {
  const algorithm = algorithmOf(ko);
  const spki = new Uint8Array(ko.export({ type: 'spki', format: 'der' }));
  return new PublicKey(algorithm, spki, ko, undefined);
}

function algorithmOf(ko: KeyObject): KeyAlgorithm {
  if (ko.asymmetricKeyType === 'rsa') {
    const bits = ko.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048)
      throw new FerryError('FERRY_KEY_INVALID', `RSA keys must be at least 2048 bits, got ${bits}`);
    return 'rsa';
  }
  if (ko.asymmetricKeyType === 'ec' && ko.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ec-p256';
  const curve = ko.asymmetricKeyDetails?.namedCurve;
  throw new FerryError(
    'FERRY_KEY_INVALID',
    `Unsupported key type ${ko.asymmetricKeyType ?? 'unknown'}${curve ? ` (${curve})` : ''}: use RSA, EC P-256 or SM2`,
  );
}

function sm2PublicKey(point: Uint8Array): PublicKey {
  if (point.length !== 65 || point[0] !== 0x04) {
    throw new FerryError('FERRY_KEY_INVALID', 'An SM2 public key must be an uncompressed 65-byte point');
  }
  const spki = new SubjectPublicKeyInfo({
    algorithm: sm2AlgorithmIdentifier(),
    subjectPublicKey: point.slice().buffer,
  });
  return new PublicKey('sm2', new Uint8Array(AsnConvert.serialize(spki)), undefined, point);
}

function sm2AlgorithmIdentifier(): AlgorithmIdentifier {
  return new AlgorithmIdentifier({
    algorithm: OID.ecPublicKey,
    parameters: AsnConvert.serialize(new ECParameters({ namedCurve: OID.sm2Curve })),
  });
}

function sm2Pkcs8(d: Uint8Array, point: Uint8Array): Uint8Array {
  const ec = new ECPrivateKey({ privateKey: new OctetString(d), publicKey: point.slice().buffer });
  const info = new PrivateKeyInfo({
    privateKeyAlgorithm: sm2AlgorithmIdentifier(),
    privateKey: new OctetString(AsnConvert.serialize(ec)),
  });
  return new Uint8Array(AsnConvert.serialize(info));
}

function curveOf(alg: AlgorithmIdentifier): string | undefined {
  if (!alg.parameters) return undefined;
  try {
    return AsnConvert.parse(alg.parameters, ECParameters).namedCurve;
  } catch {
    return undefined;
  }
}

function leftPad32(bytes: Uint8Array): Uint8Array {
  if (bytes.length === 32) return bytes;
  if (bytes.length > 32)
    throw new FerryError('FERRY_KEY_INVALID', 'SM2 private scalar is longer than 32 bytes');
  const out = new Uint8Array(32);
  out.set(bytes, 32 - bytes.length);
  return out;
}
