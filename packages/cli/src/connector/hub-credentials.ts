// The department identity and the platform CA named in the `hub` section, loaded from files or inline PEM.
import { readFile } from 'node:fs/promises';
import { FerryError, type Identity, isFerryError, loadIdentity, TrustStore } from '@ferry/sdk';
import type { ConnectorConfig } from './config-schema.js';

/** What the daemon signs with and whom it trusts. */
export interface HubCredentials {
  identity: Identity;
  trust: TrustStore;
}

/**
 * Loads `hub.identity` (PEM certificate and key, or PKCS#12) and `hub.ca`. Passphrases come from the
 * environment variables the configuration names. Problems are `FERRY_CONFIG_INVALID` naming the key.
 */
export async function loadHubCredentials(
  hub: ConnectorConfig['hub'],
  env: Readonly<Record<string, string | undefined>>,
): Promise<HubCredentials> {
  const id = hub.identity;
  let identity: Identity;
  try {
    if ('pkcs12' in id) {
      identity = loadIdentity({
        pkcs12: await readSource(id.pkcs12, 'hub.identity.pkcs12', true),
        password: secret(env, id.passwordEnv, 'hub.identity.passwordEnv'),
      });
    } else {
      const passphrase = id.passphraseEnv
        ? secret(env, id.passphraseEnv, 'hub.identity.passphraseEnv')
        : undefined;
      identity = loadIdentity({
        certificate: await readSource(id.certificate, 'hub.identity.certificate'),
        privateKey: await readSource(id.privateKey, 'hub.identity.privateKey'),
        ...(passphrase === undefined ? {} : { passphrase }),
      });
    }
  } catch (err) {
    if (isFerryError(err, 'FERRY_CONFIG_INVALID')) throw err;
    throw new FerryError(
      'FERRY_CONFIG_INVALID',
      `hub.identity: ${(err as Error).message}${'pkcs12' in id ? '' : id.passphraseEnv ? '' : ' (an encrypted key needs passphraseEnv)'}`,
      { cause: err, location: { field: 'hub.identity' } },
    );
  }
  let trust: TrustStore;
  try {
    trust = TrustStore.fromPem(await readSource(hub.ca, 'hub.ca'));
  } catch (err) {
    if (isFerryError(err, 'FERRY_CONFIG_INVALID')) throw err;
    throw new FerryError('FERRY_CONFIG_INVALID', `hub.ca: ${(err as Error).message}`, {
      cause: err,
      location: { field: 'hub.ca' },
    });
  }
  return { identity, trust };
}

function secret(env: Readonly<Record<string, string | undefined>>, name: string, field: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new FerryError('FERRY_CONFIG_INVALID', `${field}: environment variable ${name} is not set`, {
      location: { field },
    });
  }
  return value;
}

async function readSource(source: string, field: string, binary: true): Promise<Buffer>;
async function readSource(source: string, field: string): Promise<string>;
async function readSource(source: string, field: string, binary = false): Promise<string | Buffer> {
  if (!binary && source.trimStart().startsWith('-----BEGIN')) return source;
  try {
    return binary ? await readFile(source) : await readFile(source, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new FerryError(
      'FERRY_CONFIG_INVALID',
      `${field}: ${source} ${code === 'ENOENT' ? 'does not exist' : 'cannot be read'}`,
      { cause, location: { field, file: source } },
    );
  }
}
