import { pkiFixture } from '../helpers/pki-fixtures.js';
import { seal } from '../../src/envelope/index.js';
import { parseFrame } from '../../src/envelope/parse-frame.js';
import { checkPolicy } from '../../src/envelope/policy.js';
import { Certificate } from '../../src/pki/index.js';
import { verifyCertificate } from '../../src/pki/verify.js';
for (const alg of ['rsa', 'ec-p256', 'sm2'] as const) {
  const f = pkiFixture(alg);
  const frame = await seal({ from: f.alice, to: [f.bob.certificate], resource: 'R1', stream: { epoch: 1, seq: 0 }, rows: [{ a: '张三' }], segmentSize: 1024 });
  const N = 50;
  const time = (name: string, fn: () => unknown) => { const t = performance.now(); for (let i = 0; i < N; i++) fn(); console.log(alg, name, ((performance.now() - t) / N).toFixed(3), 'ms'); };
  const p = parseFrame(frame);
  time('parseFrame', () => parseFrame(frame));
  time('Certificate.parse', () => Certificate.parse(f.alice.certificate.der));
  time('verifyCertificate', () => verifyCertificate(f.alice.certificate, { trust: f.trust, usage: 'digitalSignature' }));
  time('checkPolicy', () => checkPolicy(p.header, p.suite, { trust: f.trust }));
}
