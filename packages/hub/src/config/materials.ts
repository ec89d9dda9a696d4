// Key and certificate material named by the configuration: each value is a file path or inline PEM text.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import {
  type Certificate,
  FerryError,
  type Identity,
  isFerryError,
  loadCertificates,
  loadIdentity,
  TrustStore,
  verifyCertificate,
} from '@ferry/sdk';
import type { HubConfig } from './schema.js';

/** The hub's identity and the platform trust anchors, loaded and checked against each other. */
export interface HubMaterials {
  identity: Identity;
  trust: TrustStore;
  /** The hub's department code, from its signing certificate. */
  departmentCode: string;
  /** The PEM text the identity and trust were loaded from, for ingest workers that load their own copies. */
  pem: { trust: string; identity: IdentityPem };
}

/** The PEM text (and passphrases) of the hub identity, as `loadIdentity` takes it. */
export interface IdentityPem {
  certificate: string;
  privateKey: string;
  passphrase?: string;
  encryption?: { certificate: string; privateKey: string; passphrase?: string };
}

/** Reads a PEM value: inline text when it contains a PEM armour line, else a file relative to `baseDir`. */
export async function readPem(value: string, baseDir: string, field: string): Promise<string> {
  if (value.includes('-----BEGIN')) return value;
  const file = isAbsolute(value) ? value : resolve(baseDir, value);
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    throw new FerryError('FERRY_CONFIG_INVALID', `"${field}": cannot read ${file}`, {
      cause,
      location: { field, file },
    });
  }
}

/**
 * Loads the hub identity and trust store of a configuration. Fails at start-up, naming the key, when a file
 * is missing, a key does not match its certificate, or the hub certificate does not chain to the CA.
 */
export async function loadHubMaterials(config: HubConfig, baseDir: string): Promise<HubMaterials> {
  const ca = await readPem(config.trust.ca, baseDir, 'trust.ca');
  const trust = wrap('trust.ca', () => TrustStore.fromPem(ca));
  const id = config.identity;
  const certificate = await readPem(id.certificate, baseDir, 'identity.certificate');
  const privateKey = await readPem(id.privateKey, baseDir, 'identity.privateKey');
  const encryption = id.encryption
    ? {
        certificate: await readPem(id.encryption.certificate, baseDir, 'identity.encryption.certificate'),
        privateKey: await readPem(id.encryption.privateKey, baseDir, 'identity.encryption.privateKey'),
        ...(id.encryption.passphrase === undefined ? {} : { passphrase: id.encryption.passphrase }),
      }
    : undefined;
  const identityPem: IdentityPem = {
    certificate,
    privateKey,
    ...(id.passphrase === undefined ? {} : { passphrase: id.passphrase }),
    ...(encryption ? { encryption } : {}),
  };
  const identity = wrap('identity', () => loadIdentity(identityPem));
  const departmentCode = identity.certificate.departmentCode;
  if (!departmentCode) {
    throw new FerryError(
      'FERRY_CONFIG_INVALID',
      '"identity.certificate" carries no department code (organizationIdentifier)',
      {
        location: { field: 'identity.certificate' },
      },
    );
  }
  wrap('identity.certificate', () =>
    verifyCertificate(identity.certificate, {
      trust,
      intermediates: identity.chain ?? [],
      usage: 'digitalSignature',
      departmentCode,
    }),
  );
  const enc = identity.encryption?.certificate ?? identity.certificate;
  wrap(identity.encryption ? 'identity.encryption.certificate' : 'identity.certificate', () =>
    verifyCertificate(enc, {
      trust,
      intermediates: identity.chain ?? [],
      usage: enc.publicKey.algorithm === 'ec-p256' ? 'keyAgreement' : 'keyEncipherment',
      departmentCode,
    }),
  );
  return { identity, trust, departmentCode, pem: { trust: ca, identity: identityPem } };
}

/** Reads the certificates of a configured department (paths or PEM text). */
export async function readCertificates(
  values: readonly string[],
  baseDir: string,
  field: string,
): Promise<Certificate[]> {
  const out: Certificate[] = [];
  for (const [i, value] of values.entries()) {
    const pem = await readPem(value, baseDir, `${field}[${i}]`);
    out.push(...wrap(`${field}[${i}]`, () => loadCertificates(pem)));
  }
  return out;
}

function wrap<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    if (!isFerryError(cause)) throw cause;
    throw new FerryError('FERRY_CONFIG_INVALID', `"${field}": ${cause.message}`, {
      cause,
      location: { field },
    });
  }
}
