import { FerryError, isFerryError, loadPrivateKey, type PrivateKey } from '@ferry/sdk';
import { readInput } from '../util/files.js';

/** Loads a private key file, telling which option supplies the passphrase when it is encrypted. */
export async function loadKeyFile(
  path: string,
  passphrase: string | undefined,
  passphraseOption: string,
): Promise<PrivateKey> {
  const pem = await readInput(path, 'The key file');
  try {
    return loadPrivateKey(pem, passphrase === undefined ? {} : { passphrase });
  } catch (err) {
    if (isFerryError(err, 'FERRY_KEY_PASSPHRASE') && passphrase === undefined) {
      throw new FerryError(
        'FERRY_KEY_PASSPHRASE',
        `The key is encrypted: name the variable holding its passphrase with ${passphraseOption}`,
        { cause: err, location: { file: path } },
      );
    }
    if (isFerryError(err))
      throw new FerryError(err.code, err.message, { cause: err, location: { file: path } });
    throw err;
  }
}

/** `RSA 3072`, `EC P-256`, `SM2`. */
export function describeKeyAlgorithm(key: {
  algorithm: string;
  keyObject?: { asymmetricKeyDetails?: { modulusLength?: number } } | undefined;
}): string {
  switch (key.algorithm) {
    case 'rsa': {
      const bits = key.keyObject?.asymmetricKeyDetails?.modulusLength;
      return bits ? `RSA ${bits}` : 'RSA';
    }
    case 'ec-p256':
      return 'EC P-256';
    case 'sm2':
      return 'SM2';
    default:
      return key.algorithm;
  }
}
