// PKCS#12 (.p12/.pfx) unwrapping. node-forge does the password-based decryption and MAC check; everything it
// returns is converted back to DER and parsed by Ferry's own key and certificate code, so EC P-256 and SM2
// files (which forge leaves as raw ASN.1) work like RSA ones.
import forge from 'node-forge';
import { FerryError } from '../errors/index.js';
import { Certificate, issuerNameMatches } from './certificate.js';
import { type PrivateKey, privateKeyFromPkcs8 } from './keys.js';

/** The contents of a PKCS#12 file. */
export interface Pkcs12Contents {
  privateKey: PrivateKey;
  /** The certificate of `privateKey`. */
  certificate: Certificate;
  /** The other certificates, ordered issuer by issuer from `certificate` where they chain, then the rest. */
  chain: Certificate[];
}

/**
 * Opens a PKCS#12 file (as written by `openssl pkcs12 -export`, Windows, or a GM CA) holding one private key
 * (RSA, EC P-256 or SM2) and its certificate, optionally with CA certificates.
 *
 * Throws `FERRY_KEY_PASSPHRASE` when the password is wrong, `FERRY_KEY_INVALID` when the file is not a
 * PKCS#12 or has no key or no certificate for the key. Passwords must be ASCII: node-forge derives the
 * PBES2 key from the password's UTF-16 code units, which only agrees with OpenSSL for ASCII.
 *
 * @example
 * ```ts
 * const { privateKey, certificate, chain } = loadPkcs12(await fs.readFile('dept.p12'), process.env.P12_PASSWORD!);
 * ```
 */
export function loadPkcs12(input: Uint8Array, password: string): Pkcs12Contents {
  if (!(input instanceof Uint8Array)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'loadPkcs12 needs the file bytes (Uint8Array)');
  }
  if (typeof password !== 'string')
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'loadPkcs12 needs a password string');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the ASCII check itself
  if (!/^[\x00-\x7f]*$/.test(password)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'PKCS#12 passwords must be ASCII');
  }

  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(input).toString('binary')));
  } catch (cause) {
    throw new FerryError('FERRY_KEY_INVALID', 'The input is not a PKCS#12 file', { cause });
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (cause) {
    const message = String((cause as Error)?.message ?? '');
    if (/password|MAC could not be verified|decrypt/i.test(message)) {
      throw new FerryError(
        'FERRY_KEY_PASSPHRASE',
        'The PKCS#12 file could not be opened with the password given',
        {
          cause,
        },
      );
    }
    throw new FerryError('FERRY_KEY_INVALID', 'The PKCS#12 file could not be read', { cause });
  }

  const keys: PrivateKey[] = [];
  const certs: Certificate[] = [];
  for (const safe of p12.safeContents) {
    for (const bag of safe.safeBags) {
      if (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag) {
        // forge parses RSA keys into its own object and leaves other keys as PrivateKeyInfo ASN.1.
        const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
        keys.push(privateKeyFromPkcs8(derOf(info)));
      } else if (bag.type === forge.pki.oids.certBag) {
        // For RSA certificates forge keeps the signed TBSCertificate, so re-encoding keeps the signature valid.
        const asn = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
        certs.push(Certificate.parse(derOf(asn)));
      }
    }
  }
  const privateKey = keys[0];
  if (!privateKey) throw new FerryError('FERRY_KEY_INVALID', 'The PKCS#12 file contains no private key');
  const certificate = certs.find((c) => c.publicKey.equals(privateKey.publicKey));
  if (!certificate) {
    throw new FerryError('FERRY_KEY_INVALID', 'The PKCS#12 file contains no certificate for its private key');
  }
  return { privateKey, certificate, chain: orderChain(certificate, certs) };
}

function derOf(asn: forge.asn1.Asn1): Uint8Array {
  return new Uint8Array(Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary'));
}

/** The certificates other than `leaf`, in issuer order from `leaf` as far as they chain, then the others. */
function orderChain(leaf: Certificate, certs: Certificate[]): Certificate[] {
  const rest = new Map<string, Certificate>();
  for (const c of certs) if (c.fingerprint !== leaf.fingerprint) rest.set(c.fingerprint, c);
  const ordered: Certificate[] = [];
  for (let current = leaf; ; ) {
    const next = [...rest.values()].find((c) => issuerNameMatches(current, c));
    if (!next) break;
    ordered.push(next);
    rest.delete(next.fingerprint);
    current = next;
  }
  return [...ordered, ...rest.values()];
}

/** Options for {@link createPkcs12}. */
export interface CreatePkcs12Options {
  privateKey: PrivateKey;
  certificate: Certificate;
  /** CA certificates to include (RSA-signed ones only: node-forge cannot encode others). */
  chain?: readonly Certificate[];
  /** ASCII only, as {@link loadPkcs12} requires. */
  password: string;
  /** The bag's friendlyName, shown by key stores. */
  friendlyName?: string;
}

/**
 * Packs an RSA key and its certificate as PKCS#12 (PBES2 AES-256-CBC, PBKDF2 with 10,000 iterations, SHA-1 MAC
 * as every reader expects), for systems that import identities only that way (Windows, Java key stores).
 * EC and SM2 keys are refused (`FERRY_KEY_INVALID`): node-forge cannot encode them; use
 * `openssl pkcs12 -export` for those.
 *
 * @example
 * ```ts
 * await fs.writeFile('dept.p12', createPkcs12({ privateKey, certificate, chain: [ca], password: 'changeit' }));
 * ```
 */
export function createPkcs12(options: CreatePkcs12Options): Uint8Array {
  if (options.privateKey.algorithm !== 'rsa') {
    throw new FerryError(
      'FERRY_KEY_INVALID',
      `Built-in PKCS#12 export supports RSA keys only, not ${options.privateKey.algorithm}; use openssl pkcs12 -export`,
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the ASCII check itself
  if (typeof options.password !== 'string' || !/^[\x00-\x7f]+$/.test(options.password)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'PKCS#12 passwords must be non-empty ASCII');
  }
  const key = forge.pki.privateKeyFromPem(options.privateKey.toPem());
  const certs = [
    options.certificate,
    ...(options.chain ?? []).filter((c) => c.publicKey.algorithm === 'rsa'),
  ].map((c) => forge.pki.certificateFromPem(c.toPem()));
  const asn = forge.pkcs12.toPkcs12Asn1(key, certs, options.password, {
    algorithm: 'aes256',
    generateLocalKeyId: true,
    ...(options.friendlyName ? { friendlyName: options.friendlyName } : {}),
    count: 10_000,
  });
  return new Uint8Array(Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary'));
}
