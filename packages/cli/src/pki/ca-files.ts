// The platform CA as two files in a directory: `ca.crt` (PEM) and `ca.key` (PEM PKCS#8, encrypted when a
// passphrase is given, mode 0600).
import { join } from 'node:path';
import {
  type Certificate,
  createCertificateAuthority,
  FerryError,
  isFerryError,
  type KeyAlgorithm,
  loadCertificates,
  loadPrivateKey,
  type PrivateKey,
} from '@ferry/sdk';
import { assertCanWrite, readInput, writeOutput } from '../util/files.js';

export const CA_CERT_FILE = 'ca.crt';
export const CA_KEY_FILE = 'ca.key';

/** A CA loaded from or written to a directory. */
export interface CaFiles {
  certificate: Certificate;
  privateKey: PrivateKey;
  certificatePath: string;
  keyPath: string;
}

/** Options for {@link initCa}. */
export interface InitCaOptions {
  dir: string;
  algorithm: KeyAlgorithm;
  name: string;
  organization?: string;
  days: number;
  /** Encrypts `ca.key` when given. */
  passphrase?: string;
  force: boolean;
}

/** Creates a self-signed platform CA and writes `ca.crt` and `ca.key`; refuses to overwrite unless `force`. */
export async function initCa(options: InitCaOptions): Promise<CaFiles> {
  const certificatePath = join(options.dir, CA_CERT_FILE);
  const keyPath = join(options.dir, CA_KEY_FILE);
  await assertCanWrite([certificatePath, keyPath], options.force);
  const { certificate, privateKey } = createCertificateAuthority({
    subject: {
      commonName: options.name,
      ...(options.organization ? { organization: options.organization } : {}),
      country: 'CN',
    },
    algorithm: options.algorithm,
    validityDays: options.days,
  });
  await writeOutput(keyPath, privateKey.toPem(options.passphrase), { secret: true });
  await writeOutput(certificatePath, certificate.toPem());
  return { certificate, privateKey, certificatePath, keyPath };
}

/** Loads `ca.crt` and `ca.key` from a directory and checks they belong together. */
export async function loadCa(dir: string, passphrase: string | undefined): Promise<CaFiles> {
  const certificatePath = join(dir, CA_CERT_FILE);
  const keyPath = join(dir, CA_KEY_FILE);
  const [certificate] = loadCertificates(await readInput(certificatePath, 'The CA certificate')) as [
    Certificate,
  ];
  let privateKey: PrivateKey;
  try {
    privateKey = loadPrivateKey(
      await readInput(keyPath, 'The CA key'),
      passphrase === undefined ? {} : { passphrase },
    );
  } catch (err) {
    if (isFerryError(err, 'FERRY_KEY_PASSPHRASE')) {
      throw new FerryError(
        'FERRY_KEY_PASSPHRASE',
        passphrase === undefined
          ? 'The CA key is encrypted: name the variable holding its passphrase with --ca-passphrase-env'
          : 'The CA key could not be decrypted with the passphrase given',
        { cause: err, location: { file: keyPath } },
      );
    }
    throw err;
  }
  if (!privateKey.publicKey.equals(certificate.publicKey)) {
    throw new FerryError('FERRY_KEY_INVALID', `${keyPath} is not the key of ${certificatePath}`, {
      location: { file: keyPath },
    });
  }
  return { certificate, privateKey, certificatePath, keyPath };
}
