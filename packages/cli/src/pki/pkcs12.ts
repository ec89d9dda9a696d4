// Writing a PKCS#12 (.p12) file for an RSA identity, for systems that import keys only that way (Windows,
// Java keystores, many GM middleware consoles). node-forge can encode RSA keys only; EC and SM2 keys are
// refused with the OpenSSL command that does it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Certificate, PrivateKey } from '@ferry/sdk';
import { usageError } from '../util/errors.js';

/** The slice of node-forge this module uses. */
interface Forge {
  pki: {
    privateKeyFromPem(pem: string): unknown;
    certificateFromPem(pem: string): unknown;
  };
  pkcs12: {
    toPkcs12Asn1(
      key: unknown,
      certs: unknown[],
      password: string,
      options: { algorithm: 'aes256'; generateLocalKeyId: boolean; friendlyName: string; count: number },
    ): unknown;
  };
  asn1: { toDer(asn: unknown): { getBytes(): string } };
}

let forge: Forge | undefined;

/**
 * node-forge is a dependency of `@ferry/sdk`, which reads PKCS#12 files with it; the CLI loads the same copy
 * through the SDK's resolution instead of declaring it a second time.
 */
function loadForge(): Forge {
  if (forge) return forge;
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  const sdkPackage = createRequire(here).resolve('@ferry/sdk/package.json');
  forge = createRequire(sdkPackage)('node-forge') as Forge;
  return forge;
}

/** Options for {@link createPkcs12}. */
export interface CreatePkcs12Options {
  privateKey: PrivateKey;
  certificate: Certificate;
  /** CA certificates to include (RSA ones only: forge cannot encode others). */
  chain?: readonly Certificate[];
  /** ASCII only, as {@link loadPkcs12} requires. */
  password: string;
  /** The bag's friendlyName, shown by key stores. */
  friendlyName: string;
}

/**
 * Encodes an RSA key and its certificate as PKCS#12 (PBES2 AES-256-CBC, PBKDF2 with 10 000 iterations,
 * SHA-1 MAC as every reader expects). Returns the DER bytes.
 */
export function createPkcs12(options: CreatePkcs12Options): Uint8Array {
  if (options.privateKey.algorithm !== 'rsa') {
    throw usageError('Built-in PKCS#12 export supports RSA keys only');
  }
  assertPkcs12Password(options.password);
  const f = loadForge();
  const key = f.pki.privateKeyFromPem(options.privateKey.toPem());
  const certs = [
    options.certificate,
    ...(options.chain ?? []).filter((c) => c.publicKey.algorithm === 'rsa'),
  ].map((c) => f.pki.certificateFromPem(c.toPem()));
  const asn = f.pkcs12.toPkcs12Asn1(key, certs, options.password, {
    algorithm: 'aes256',
    generateLocalKeyId: true,
    friendlyName: options.friendlyName,
    count: 10_000,
  });
  return new Uint8Array(Buffer.from(f.asn1.toDer(asn).getBytes(), 'binary'));
}

/** PKCS#12 passwords must be ASCII: tools derive keys from other characters differently. */
export function assertPkcs12Password(password: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the ASCII check itself
  if (!/^[\x00-\x7f]+$/.test(password)) {
    throw usageError('PKCS#12 passwords must be ASCII (tools derive keys from other characters differently)');
  }
}

/** Quotes a path for a POSIX shell when it needs it. */
function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The `openssl pkcs12 -export` command that packs an EC or SM2 identity. */
export function opensslPkcs12Command(options: {
  certificatePath: string;
  keyPath: string;
  caCertificatePath: string;
  outPath: string;
  name: string;
  passwordEnv: string;
  keyPassphraseEnv?: string;
}): string {
  return [
    'openssl pkcs12 -export',
    `-in ${shellQuote(options.certificatePath)}`,
    `-inkey ${shellQuote(options.keyPath)}`,
    ...(options.keyPassphraseEnv ? [`-passin env:${options.keyPassphraseEnv}`] : []),
    `-certfile ${shellQuote(options.caCertificatePath)}`,
    `-name ${shellQuote(options.name)}`,
    '-keypbe AES-256-CBC -certpbe AES-256-CBC -macalg SHA256',
    `-passout env:${options.passwordEnv}`,
    `-out ${shellQuote(options.outPath)}`,
  ].join(' ');
}
