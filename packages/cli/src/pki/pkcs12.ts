// PKCS#12 around the SDK's createPkcs12 (RSA only): the password rule, and the OpenSSL command that packs
// EC and SM2 identities, which node-forge cannot encode.
import { usageError } from '../util/errors.js';

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
