// Configuration: YAML and environment overrides validated with messages that name the key; a hub starts
// from a file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FerryError, isFerryError } from '@ferry/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { createHub, loadHubConfigFile, parseHubConfig, startHubFromConfigFile } from '../src/index.js';
import { DEPT, testPki } from './support/pki.js';

const dir = mkdtempSync(join(tmpdir(), 'ferry-hub-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = { identity: { certificate: 'hub.crt', privateKey: 'hub.key' }, trust: { ca: 'ca.crt' } };

function writeYaml(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function configError(promise: Promise<unknown> | (() => unknown)): Promise<FerryError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (err) {
    if (isFerryError(err, 'FERRY_CONFIG_INVALID')) return err;
    throw err;
  }
  throw new Error('expected FERRY_CONFIG_INVALID');
}

describe('hub configuration', () => {
  it('fills in defaults', () => {
    const { config } = parseHubConfig(minimal);
    expect(config.server).toEqual({ host: '127.0.0.1', port: 8480, trustProxy: false });
    expect(config.database).toMatchObject({
      sqlite: 'ferry-hub.sqlite',
      schema: 'ferry',
      synchronous: 'full',
    });
    expect(config.limits).toEqual({ jsonBody: 1024 * 1024, envelope: 64 * 1024 * 1024, pullChanges: 10_000 });
  });

  it('reads sizes with units', () => {
    const { config } = parseHubConfig({ ...minimal, limits: { jsonBody: '512 KiB', envelope: '16mb' } });
    expect(config.limits).toMatchObject({ jsonBody: 512 * 1024, envelope: 16 * 1024 * 1024 });
  });

  it('names an unknown key and its line', async () => {
    const file = writeYaml(
      'unknown.yaml',
      'identity:\n  certificate: a\n  privateKey: b\ntrust:\n  ca: c\nserver:\n  prot: 80\n',
    );
    const err = await configError(loadHubConfigFile(file));
    expect(err.message).toBe(`${file}: "server.prot" is not a known key (line 7)`);
    expect(err.location).toMatchObject({ field: 'server.prot', file, line: 7 });
  });

  it('names a key with a bad value and a missing key', async () => {
    const file = writeYaml(
      'bad.yaml',
      'identity:\n  certificate: a\n  privateKey: b\ntrust:\n  ca: c\nserver:\n  port: eighty\n',
    );
    const err = await configError(loadHubConfigFile(file));
    expect(err.location).toMatchObject({ field: 'server.port', line: 7 });
    expect(err.message).toContain('"server.port"');
    const missing = await configError(() => parseHubConfig({ identity: minimal.identity }));
    expect(missing.message).toBe('hub configuration: "trust" is required');
    const listed = await configError(() => parseHubConfig({ ...minimal, reviewers: ['ok01'] }));
    expect(listed.location?.field).toBe('reviewers[0]');
  });

  it('reports YAML syntax errors with their line', async () => {
    const file = writeYaml('syntax.yaml', 'server:\n  port: 1\n   host: x\n');
    const err = await configError(loadHubConfigFile(file));
    expect(err.location).toMatchObject({ file, line: expect.any(Number) });
  });

  it('applies FERRY_HUB_* overrides and names the variable of a bad one', async () => {
    const { config } = parseHubConfig(minimal, {
      env: {
        FERRY_HUB_PORT: '9000',
        FERRY_HUB_DATABASE_URL: 'postgres://x@h/db',
        FERRY_HUB_REVIEWERS: 'SJJ01, SJJ02',
        PATH: '/bin',
      },
    });
    expect(config.server.port).toBe(9000);
    expect(config.database.url).toBe('postgres://x@h/db');
    expect(config.reviewers).toEqual(['SJJ01', 'SJJ02']);
    const bad = await configError(() => parseHubConfig(minimal, { env: { FERRY_HUB_PORT: 'eighty' } }));
    expect(bad.message).toContain('FERRY_HUB_PORT (server.port)');
    const range = await configError(() => parseHubConfig(minimal, { env: { FERRY_HUB_PORT: '99999' } }));
    expect(range.message).toContain('(set by FERRY_HUB_PORT)');
    const typo = await configError(() => parseHubConfig(minimal, { env: { FERRY_HUB_PROT: '1' } }));
    expect(typo.message).toContain('Unknown environment variable FERRY_HUB_PROT');
  });

  it('the example configuration is valid', async () => {
    const example = new URL('../../../examples/hub/hub.yaml', import.meta.url);
    const { config } = await loadHubConfigFile(example.pathname);
    expect(config.reviewers).toEqual(['SJJ01']);
    expect(readFileSync(example, 'utf8')).toContain('ferry hub start');
  });

  it('refuses a hub certificate that does not chain to the platform CA, naming the key', async () => {
    const pki = testPki();
    const err = await configError(
      createHub({
        identity: {
          certificate: pki.rogueProvider.certificate.toPem(),
          privateKey: pki.rogueProvider.privateKey.toPem(),
        },
        trust: { ca: pki.caPem },
        database: { sqlite: ':memory:' },
        log: { level: 'silent' },
      }),
    );
    expect(err.location?.field).toBe('identity.certificate');
    const missing = await configError(createHub({ ...minimal, log: { level: 'silent' } }, { baseDir: dir }));
    expect(missing.message).toContain('"trust.ca": cannot read');
  });

  it('startHubFromConfigFile starts a hub from files and stops it', async () => {
    const pki = testPki();
    writeFileSync(join(dir, 'ca.crt'), pki.caPem);
    writeFileSync(join(dir, 'hub.crt'), pki.hub.certificate.toPem());
    writeFileSync(join(dir, 'hub.key'), pki.hub.privateKey.toPem('secret passphrase'));
    writeFileSync(join(dir, 'admin.crt'), pki.admin.certificate.toPem());
    const file = writeYaml(
      'hub.yaml',
      [
        'server: { port: 0 }',
        'identity: { certificate: hub.crt, privateKey: hub.key }',
        'trust: { ca: ca.crt }',
        'database: { sqlite: started.sqlite }',
        `admins: [${DEPT.admin}]`,
        `departments: [{ code: ${DEPT.admin}, name: 管理员, certificates: [admin.crt] }]`,
        'log: { level: silent }',
      ].join('\n'),
    );
    const hub = await startHubFromConfigFile(file, {
      env: { FERRY_HUB_KEY_PASSPHRASE: 'secret passphrase' },
    });
    try {
      expect(hub.departmentCode).toBe(DEPT.hub);
      const res = await fetch(`${hub.url}/healthz`);
      expect(await res.json()).toEqual({ status: 'ok', database: 'sqlite' });
    } finally {
      await hub.close();
      await hub.close();
    }
  });
});
