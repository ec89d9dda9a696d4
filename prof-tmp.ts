import { randomBytes } from 'node:crypto';
import { createCertificateAuthority, issueCertificate, generateKeyPair } from './packages/sdk/src/pki/index.js';
import { seal, open } from './packages/sdk/src/envelope/index.js';
const alg = (process.argv[2] ?? 'ec-p256') as 'rsa' | 'ec-p256';
const size = Number(process.argv[3] ?? 1048576);
const key = () => generateKeyPair(alg, { rsaBits: 2048 });
const ca = createCertificateAuthority({ subject: { commonName: 'CA' }, key: key() });
const mk = (code: string) => { const k = key(); return { privateKey: k, certificate: issueCertificate({ issuer: ca, subject: { commonName: code, departmentCode: code }, publicKey: k.publicKey }) }; };
const a = mk('A1'), b = mk('B1');
const { TrustStore } = await import('./packages/sdk/src/pki/index.js');
const trust = new TrustStore([ca.certificate]);
const payload = randomBytes(size);
const opts = { from: a, to: b.certificate, resource: 'R', stream: { epoch: 1, seq: 0 }, compression: 'none' as const, bytes: payload };
const frame = await seal(opts);
for (let r = 0; r < 3; r++) {
  let t = performance.now(); let n = 0;
  while (performance.now() - t < 1000) { await seal(opts); n++; }
  const s = n / ((performance.now() - t) / 1000);
  t = performance.now(); n = 0;
  while (performance.now() - t < 1000) { await open(frame, { me: b, trust }); n++; }
  const o = n / ((performance.now() - t) / 1000);
  console.log(alg, size, 'seal ops/s', s.toFixed(1), 'open ops/s', o.toFixed(1));
}
