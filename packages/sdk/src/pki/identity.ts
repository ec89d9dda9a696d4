// A party's identity: its certificate and private key (and, for GM dual certificates, a separate encryption pair).
import { FerryError } from '../errors/index.js';
import { type Certificate, loadCertificates } from './certificate.js';
import { loadPrivateKey, type PrivateKey } from './keys.js';
import type { PemInput } from './pem.js';
import { loadPkcs12 } from './pkcs12.js';

/**
 * What a department (or the hub) signs and decrypts with. `certificate`/`privateKey` sign envelopes; when
 * `encryption` is present (the GM practice of separate signing and encryption certificates, 双证书), content
 * keys are wrapped to it instead of to `certificate`.
 */
export interface Identity {
  certificate: Certificate;
  privateKey: PrivateKey;
  /** Intermediate CA certificates to send along (leaf excluded), issuer order. */
  chain?: Certificate[];
  encryption?: { certificate: Certificate; privateKey: PrivateKey };
}

/** A certificate (PEM bundle: the leaf first, then its chain) and its private key, or a PKCS#12 file. */
export type IdentitySource =
  | { certificate: PemInput; privateKey: PemInput; passphrase?: string }
  | { pkcs12: Uint8Array; password: string };

/** Options for {@link loadIdentity}. */
export type LoadIdentityOptions = IdentitySource & {
  /** A separate encryption certificate and key (GM dual certificates). */
  encryption?: IdentitySource;
};

/**
 * Loads an identity from PEM files or a PKCS#12 file and checks that the private key belongs to the
 * certificate (`FERRY_KEY_INVALID` otherwise). With PEM, the certificate input may be a bundle: the first
 * certificate is the identity's, the others become `chain`.
 *
 * @example
 * ```ts
 * const me = loadIdentity({
 *   certificate: await fs.readFile('dept.crt'),
 *   privateKey: await fs.readFile('dept.key'),
 *   passphrase: process.env.KEY_PASSPHRASE,
 * });
 * // or
 * const me2 = loadIdentity({ pkcs12: await fs.readFile('dept.p12'), password: process.env.P12_PASSWORD! });
 * ```
 */
export function loadIdentity(options: LoadIdentityOptions): Identity {
  if (!options || typeof options !== 'object') {
    throw new FerryError(
      'FERRY_INVALID_ARGUMENT',
      'loadIdentity needs { certificate, privateKey } or { pkcs12, password }',
    );
  }
  const main = loadPair(options);
  const identity: Identity = { ...main };
  if (options.encryption !== undefined) {
    const enc = loadPair(options.encryption);
    identity.encryption = { certificate: enc.certificate, privateKey: enc.privateKey };
  }
  return identity;
}

function loadPair(source: IdentitySource): Identity {
  if ('pkcs12' in source && source.pkcs12 !== undefined) {
    const { privateKey, certificate, chain } = loadPkcs12(source.pkcs12, source.password);
    return { certificate, privateKey, chain };
  }
  if (!('certificate' in source) || source.certificate === undefined || source.privateKey === undefined) {
    throw new FerryError(
      'FERRY_INVALID_ARGUMENT',
      'loadIdentity needs { certificate, privateKey } or { pkcs12, password }',
    );
  }
  const [certificate, ...chain] = loadCertificates(source.certificate) as [Certificate, ...Certificate[]];
  const privateKey = loadPrivateKey(
    source.privateKey,
    source.passphrase === undefined ? {} : { passphrase: source.passphrase },
  );
  if (!privateKey.publicKey.equals(certificate.publicKey)) {
    throw new FerryError('FERRY_KEY_INVALID', 'The private key does not belong to the certificate');
  }
  return { certificate, privateKey, chain };
}
