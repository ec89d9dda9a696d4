import { execFile } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  Certificate,
  CertificateRequest,
  loadIdentity,
  loadPkcs12,
  loadPrivateKey,
  seal,
  TrustStore,
  verifyCertificate,
} from '@ferry/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProgram } from '../src/index.js';
import { ferry, tempDir } from './run.js';

const CODE = '11510000MB23456780';
const OTHER_CODE = '11510000MB1234562Y';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => cleanup());

async function initCa(algorithm: string, extra: string[] = [], env: Record<string, string> = {}) {
  const result = await ferry(
    ['pki', 'init-ca', '--dir', join(dir, 'ca'), '--algorithm', algorithm, ...extra],
    env,
  );
  expect(result.stderr).not.toMatch(/^error/m);
  expect(result.code).toBe(0);
  return result;
}

describe('ferry pki init-ca and issue', () => {
  it.each(['ec-p256', 'sm2'])(
    'issues a %s department certificate that verifies against the CA',
    async (algorithm) => {
      await initCa(algorithm, ['--name', 'Test Platform CA']);
      const issued = await ferry([
        'pki',
        'issue',
        '--ca-dir',
        join(dir, 'ca'),
        '--name',
        '省卫健委',
        '--code',
        CODE,
        '--org',
        '某省卫生健康委员会',
        '--out',
        join(dir, 'out'),
      ]);
      expect(issued.code).toBe(0);
      expect(issued.stdout).toContain(`Issued 省卫健委 [${CODE}]`);

      const ca = Certificate.parse(await readFile(join(dir, 'ca', 'ca.crt')));
      const cert = Certificate.parse(await readFile(join(dir, 'out', `${CODE}.crt`)));
      expect(ca.isCA).toBe(true);
      expect(ca.subject.commonName).toBe('Test Platform CA');
      expect(cert.publicKey.algorithm).toBe(algorithm);
      expect(cert.subject.organization).toBe('某省卫生健康委员会');
      const path = verifyCertificate(cert, {
        trust: new TrustStore([ca]),
        usage: ['digitalSignature', 'nonRepudiation'],
        departmentCode: CODE,
      });
      expect(path.map((c) => c.fingerprint)).toEqual([cert.fingerprint, ca.fingerprint]);

      // The key file is private and belongs to the certificate.
      for (const key of [join(dir, 'ca', 'ca.key'), join(dir, 'out', `${CODE}.key`)]) {
        expect((await stat(key)).mode & 0o777).toBe(0o600);
      }
      expect((await stat(join(dir, 'out', `${CODE}.crt`))).mode & 0o777).toBe(0o644);
      const identity = loadIdentity({
        certificate: await readFile(join(dir, 'out', `${CODE}.crt`)),
        privateKey: await readFile(join(dir, 'out', `${CODE}.key`)),
      });
      expect(identity.certificate.departmentCode).toBe(CODE);
    },
  );

  it('refuses to overwrite existing files unless --force', async () => {
    await initCa('ec-p256');
    const before = await readFile(join(dir, 'ca', 'ca.crt'), 'utf8');
    const again = await ferry(['pki', 'init-ca', '--dir', join(dir, 'ca'), '--algorithm', 'ec-p256']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error FERRY_INVALID_ARGUMENT: .*ca\.crt already exists; pass --force/m);
    expect(await readFile(join(dir, 'ca', 'ca.crt'), 'utf8')).toBe(before);

    const forced = await ferry([
      'pki',
      'init-ca',
      '--dir',
      join(dir, 'ca'),
      '--algorithm',
      'ec-p256',
      '--force',
    ]);
    expect(forced.code).toBe(0);
    expect(await readFile(join(dir, 'ca', 'ca.crt'), 'utf8')).not.toBe(before);

    const issue = ['pki', 'issue', '--ca-dir', join(dir, 'ca'), '--name', 'd', '--code', CODE, '--out', dir];
    expect((await ferry(issue)).code).toBe(0);
    const reissue = await ferry(issue);
    expect(reissue.code).toBe(2);
    expect(reissue.stderr).toContain('already exists');
  });

  it('encrypts keys with a passphrase from the environment and needs it to issue', async () => {
    const env = { CA_PASS: 'correct horse', KEY_PASS: 'battery staple' };
    await initCa('ec-p256', ['--passphrase-env', 'CA_PASS'], env);
    expect(await readFile(join(dir, 'ca', 'ca.key'), 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');

    const base = ['pki', 'issue', '--ca-dir', join(dir, 'ca'), '--name', 'd', '--code', CODE, '--out', dir];
    const missing = await ferry(base, env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error FERRY_KEY_PASSPHRASE: .*--ca-passphrase-env/m);
    expect(missing.stderr).toContain('ca.key');

    const unset = await ferry([...base, '--ca-passphrase-env', 'NOPE'], env);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('NOPE');

    const ok = await ferry([...base, '--ca-passphrase-env', 'CA_PASS', '--passphrase-env', 'KEY_PASS'], env);
    expect(ok.code).toBe(0);
    const keyPem = await readFile(join(dir, `${CODE}.key`), 'utf8');
    expect(keyPem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(loadPrivateKey(keyPem, { passphrase: 'battery staple' }).algorithm).toBe('ec-p256');
  });

  it('writes a PKCS#12 file for an RSA key that loadPkcs12 opens', async () => {
    await initCa('rsa');
    const env = { P12: 'p12-secret' };
    const result = await ferry(
      [
        'pki',
        'issue',
        '--ca-dir',
        join(dir, 'ca'),
        '--name',
        '省卫健委',
        '--code',
        CODE,
        '--out',
        dir,
        '--p12',
        '--p12-password-env',
        'P12',
      ],
      env,
    );
    expect(result.code).toBe(0);
    const p12 = await readFile(join(dir, `${CODE}.p12`));
    expect((await stat(join(dir, `${CODE}.p12`))).mode & 0o777).toBe(0o600);
    const contents = loadPkcs12(p12, 'p12-secret');
    expect(contents.certificate.departmentCode).toBe(CODE);
    expect(contents.privateKey.algorithm).toBe('rsa');
    expect(contents.chain.map((c) => c.subject.commonName)).toEqual(['Ferry Platform CA']);

    const inspected = await ferry(['pki', 'inspect', join(dir, `${CODE}.p12`), '--password-env', 'P12'], env);
    expect(inspected.code).toBe(0);
    expect(inspected.stdout).toContain('PKCS#12');
    expect(inspected.stdout).toMatch(/key\s+RSA 3072/);
  }, 60_000);

  it('explains, for an EC key, that PKCS#12 needs openssl and prints a command that works', async () => {
    await initCa('ec-p256');
    const env = { P12: 'p12-secret' };
    const args = [
      'pki',
      'issue',
      '--ca-dir',
      join(dir, 'ca'),
      '--name',
      'd',
      '--code',
      CODE,
      '--out',
      join(dir, 'out'),
    ];
    const refused = await ferry([...args, '--p12', '--p12-password-env', 'P12'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^error FERRY_INVALID_ARGUMENT: Built-in PKCS#12 export needs an RSA key/m,
    );
    const command = refused.stderr.split('\n').find((l) => l.trim().startsWith('openssl pkcs12 -export'));
    expect(command).toBeDefined();
    // Nothing was written: the user re-runs without --p12, then runs the command.
    await expect(stat(join(dir, 'out'))).rejects.toThrow();

    expect((await ferry(args)).code).toBe(0);
    const openssl = await promisify(execFile)('openssl', ['version']).catch(() => undefined);
    if (!openssl) return; // no OpenSSL here: the message is all we can check
    await promisify(execFile)('sh', ['-c', command!.trim()], { env: { ...process.env, ...env } });
    const contents = loadPkcs12(await readFile(join(dir, 'out', `${CODE}.p12`)), 'p12-secret');
    expect(contents.certificate.departmentCode).toBe(CODE);
    expect(contents.privateKey.algorithm).toBe('ec-p256');
  });
});

describe('ferry pki csr', () => {
  it('round-trips: a generated key and CSR, certified by the CA', async () => {
    await initCa('sm2');
    const csrPath = join(dir, 'dept.csr');
    const made = await ferry([
      'pki',
      'csr',
      '--algorithm',
      'sm2',
      '--name',
      '省公安厅前置机',
      '--code',
      OTHER_CODE,
      '--org',
      '某省公安厅',
      '--out',
      csrPath,
    ]);
    expect(made.code).toBe(0);
    const csr = CertificateRequest.parse(await readFile(csrPath));
    expect(csr.verifySignature()).toBe(true);
    expect(csr.subject.departmentCode).toBe(OTHER_CODE);
    const key = loadPrivateKey(await readFile(join(dir, 'dept.key')));
    expect(key.publicKey.equals(csr.publicKey)).toBe(true);

    const issued = await ferry([
      'pki',
      'issue',
      '--ca-dir',
      join(dir, 'ca'),
      '--csr',
      csrPath,
      '--out',
      join(dir, 'out'),
    ]);
    expect(issued.code).toBe(0);
    const cert = Certificate.parse(await readFile(join(dir, 'out', `${OTHER_CODE}.crt`)));
    expect(cert.publicKey.equals(key.publicKey)).toBe(true);
    expect(cert.subject.commonName).toBe('省公安厅前置机');
    expect(cert.subject.organization).toBe('某省公安厅');
    await expect(stat(join(dir, 'out', `${OTHER_CODE}.key`))).rejects.toThrow(); // the key stays with the requester
    const ca = Certificate.parse(await readFile(join(dir, 'ca', 'ca.crt')));
    verifyCertificate(cert, {
      trust: new TrustStore([ca]),
      departmentCode: OTHER_CODE,
      usage: 'digitalSignature',
    });

    const inspected = await ferry(['pki', 'inspect', csrPath]);
    expect(inspected.stdout).toContain('Certificate request (CSR)');
    expect(inspected.stdout).toMatch(/signature\s+SM2-with-SM3, verifies/);
  });

  it('signs a CSR with an existing (encrypted) key', async () => {
    const env = { PASS: 'pw' };
    const first = await ferry(
      [
        'pki',
        'csr',
        '--algorithm',
        'ec-p256',
        '--name',
        'a',
        '--code',
        CODE,
        '--out',
        join(dir, 'a.csr'),
        '--passphrase-env',
        'PASS',
      ],
      env,
    );
    expect(first.code).toBe(0);
    const second = await ferry(
      [
        'pki',
        'csr',
        '--key',
        join(dir, 'a.key'),
        '--name',
        'b',
        '--code',
        CODE,
        '--out',
        join(dir, 'b.csr'),
        '--passphrase-env',
        'PASS',
      ],
      env,
    );
    expect(second.code).toBe(0);
    const a = CertificateRequest.parse(await readFile(join(dir, 'a.csr')));
    const b = CertificateRequest.parse(await readFile(join(dir, 'b.csr')));
    expect(b.publicKey.equals(a.publicKey)).toBe(true);
    expect(b.subject.commonName).toBe('b');

    const noPass = await ferry([
      'pki',
      'csr',
      '--key',
      join(dir, 'a.key'),
      '--name',
      'c',
      '--code',
      CODE,
      '--out',
      join(dir, 'c.csr'),
    ]);
    expect(noPass.code).toBe(1);
    expect(noPass.stderr).toMatch(/^error FERRY_KEY_PASSPHRASE: .*--passphrase-env/m);
  });

  it('needs exactly one of --key and --algorithm', async () => {
    const neither = await ferry(['pki', 'csr', '--name', 'a', '--code', CODE, '--out', join(dir, 'a.csr')]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('either --key');
  });
});

describe('ferry pki inspect', () => {
  it('describes a certificate as text and as JSON', async () => {
    await initCa('ec-p256', ['--name', 'Inspect CA', '--days', '100']);
    await ferry([
      'pki',
      'issue',
      '--ca-dir',
      join(dir, 'ca'),
      '--name',
      '省卫健委',
      '--code',
      CODE,
      '--out',
      dir,
    ]);
    const cert = Certificate.parse(await readFile(join(dir, `${CODE}.crt`)));

    const text = await ferry(['pki', 'inspect', join(dir, `${CODE}.crt`)]);
    expect(text.code).toBe(0);
    for (const expected of [
      /subject\s+CN=省卫健委/,
      new RegExp(`department code\\s+${CODE}`),
      /issuer\s+CN=Inspect CA/,
      new RegExp(`serial\\s+${cert.serialNumber}`),
      /valid until\s+.*\(valid, \d+ days left\)/,
      /key\s+EC P-256/,
      /key usage\s+digitalSignature, nonRepudiation, keyAgreement/,
      /CA\s+no/,
      new RegExp(`SHA-256\\s+${cert.fingerprint}`),
    ]) {
      expect(text.stdout).toMatch(expected);
    }

    const json = await ferry(['pki', 'inspect', join(dir, 'ca', 'ca.crt'), '--json']);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.kind).toBe('certificate');
    expect(parsed.certificates[0]).toMatchObject({
      isCA: true,
      keyAlgorithm: 'ec-p256',
      keyUsage: ['keyCertSign', 'cRLSign'],
      subject: { commonName: 'Inspect CA' },
    });
    expect(new Date(parsed.certificates[0].notAfter).getTime() - Date.now()).toBeLessThan(101 * 86_400_000);
  });

  it('shows an envelope header and warns that nothing was verified', async () => {
    await initCa('ec-p256');
    for (const [name, code] of [
      ['a', CODE],
      ['b', OTHER_CODE],
    ] as const) {
      await ferry([
        'pki',
        'issue',
        '--ca-dir',
        join(dir, 'ca'),
        '--name',
        name,
        '--code',
        code,
        '--out',
        dir,
      ]);
    }
    const load = async (code: string) =>
      loadIdentity({
        certificate: await readFile(join(dir, `${code}.crt`)),
        privateKey: await readFile(join(dir, `${code}.key`)),
      });
    const frame = await seal({
      from: await load(CODE),
      to: (await load(OTHER_CODE)).certificate,
      resource: '101001/000001',
      stream: { epoch: 3, seq: 7 },
      rows: [{ 姓名: '张伟' }],
    });
    await writeFile(join(dir, 'x.ferry'), frame);

    // Through createProgram directly, as an embedding application would.
    let stdout = '';
    let stderr = '';
    const program = createProgram({ stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {} });
    await program.parseAsync(['pki', 'inspect', join(dir, 'x.ferry')], { from: 'user' });
    expect(stderr).toMatch(/nothing was verified/);
    expect(stdout).toContain('NOT VERIFIED');
    expect(stdout).toMatch(/resource\s+101001\/000001/);
    expect(stdout).toMatch(/stream\s+epoch 3, seq 7/);
    expect(stdout).toMatch(new RegExp(`from\\s+${CODE}`));
    expect(stdout).toMatch(new RegExp(`to\\s+${OTHER_CODE}\\s+ECDH-ES\\+A256KW`));

    const json = await ferry(['pki', 'inspect', join(dir, 'x.ferry'), '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      kind: 'envelope',
      verified: false,
      header: { resource: '101001/000001' },
    });
  });

  it('reports a missing file and an unreadable one with codes and exit codes', async () => {
    const missing = await ferry(['pki', 'inspect', join(dir, 'nope.crt')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error FERRY_INVALID_ARGUMENT: The file .*nope\.crt does not exist/m);

    await writeFile(join(dir, 'junk.der'), Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]));
    const junk = await ferry(['pki', 'inspect', join(dir, 'junk.der')]);
    expect(junk.code).toBe(1);
    expect(junk.stderr).toMatch(/^error FERRY_CERT_INVALID: /m);
    expect(junk.stderr).toContain(`at ${join(dir, 'junk.der')}`);
    expect(junk.stderr).not.toMatch(/\n\s+at .*\.(ts|js):\d+/); // no stack without FERRY_DEBUG

    const debug = await ferry(['pki', 'inspect', join(dir, 'junk.der')], { FERRY_DEBUG: '1' });
    expect(debug.stderr).toMatch(/\n\s+at .*:\d+/);
  });
});
