// Checks the published shape: every subpath loads in ESM and CJS, and a class made through one subpath is
// the same class in another (a TrustStore from /pki works in /envelope; isFerryError sees /envelope errors).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const pkgDir = join(import.meta.dirname, '..', '..');
const built = existsSync(join(pkgDir, 'dist', 'index.js'));
const subpaths = [
  '',
  '/errors',
  '/pki',
  '/envelope',
  '/catalog',
  '/changes',
  '/auth',
  '/receipt',
  '/connector',
  '/sync',
];

const script = (kind: 'esm' | 'cjs') => {
  const load = (p: string) =>
    kind === 'esm' ? `await import('@ferry/sdk${p}')` : `require('@ferry/sdk${p}')`;
  const body = `
    const mods = {};
    for (const p of ${JSON.stringify(subpaths)}) mods[p] = ${kind === 'esm' ? "await import('@ferry/sdk' + p)" : "require('@ferry/sdk' + p)"};
    const pki = ${load('/pki')};
    const env = ${load('/envelope')};
    const errors = ${load('/errors')};
    const ca = pki.createCertificateAuthority({ subject: { commonName: 'CA' }, algorithm: 'ec-p256' });
    const mk = (code) => {
      const key = pki.generateKeyPair('ec-p256');
      return { privateKey: key, certificate: pki.issueCertificate({ issuer: ca, subject: { commonName: code, departmentCode: code }, publicKey: key.publicKey, profile: 'department' }) };
    };
    const a = mk('DEPT01'), b = mk('DEPT02');
    const frame = await env.seal({ from: a, to: b.certificate, resource: '101001/000001', stream: { epoch: 1, seq: 0 }, rows: [{ n: 1 }] });
    const opened = await env.open(frame, { me: b, trust: new pki.TrustStore([ca.certificate]) });
    let code = 'none';
    try { await env.open(frame, { me: a, trust: new pki.TrustStore([ca.certificate]) }); } catch (e) { code = errors.isFerryError(e) ? e.code : 'not-a-ferry-error'; }
    console.log(JSON.stringify({ subpaths: Object.keys(mods).length, rows: opened.rows, code }));
  `;
  return kind === 'esm'
    ? body
    : `(async () => { ${body} })().catch((e) => { console.error(e); process.exit(1); });`;
};

describe.skipIf(!built)('the built package', () => {
  for (const kind of ['esm', 'cjs'] as const) {
    it(`loads every subpath and shares classes across them (${kind})`, () => {
      const out = execFileSync(
        process.execPath,
        [kind === 'esm' ? '--input-type=module' : '--input-type=commonjs', '-e', script(kind)],
        {
          cwd: pkgDir,
          encoding: 'utf8',
        },
      );
      expect(JSON.parse(out.trim())).toEqual({
        subpaths: subpaths.length,
        rows: [{ n: 1 }],
        code: 'FERRY_ENVELOPE_NOT_RECIPIENT',
      });
    });
  }
});
