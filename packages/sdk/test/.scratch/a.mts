import { pkiFixture } from '../helpers/pki-fixtures.js';
import { seal, open, MemoryReplayGuard } from '../../src/envelope/index.js';
for (const alg of ['rsa', 'ec-p256', 'sm2'] as const) {
  let t = performance.now();
  const f = pkiFixture(alg);
  console.log(alg, 'fixture ms', (performance.now() - t).toFixed(0));
  t = performance.now();
  const frame = await seal({ from: f.alice, to: [f.bob.certificate, f.dave.encryption!.certificate], resource: 'R1', stream: { epoch: 1, seq: 0 }, rows: [{ a: '张三' }], segmentSize: 1024 });
  console.log('seal ms', (performance.now() - t).toFixed(1), frame.length);
  t = performance.now();
  const o = await open(frame, { me: f.bob, trust: f.trust });
  console.log('open ms', (performance.now() - t).toFixed(1), o.rows);
  t = performance.now();
  for (let i = 0; i < 20; i++) await open(frame, { me: f.dave, trust: f.trust });
  console.log('open x20 ms', (performance.now() - t).toFixed(1));
}
