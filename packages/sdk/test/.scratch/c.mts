import { pkiFixture } from '../helpers/pki-fixtures.js';
import { seal, open } from '../../src/envelope/index.js';
import { layout, regionOf } from '../envelope/frame-tools.js';
const f = pkiFixture('sm2');
const frame = Buffer.from(await seal({ from: f.alice, to: f.bob.certificate, resource: 'R', stream: { epoch: 1, seq: 0 }, rows: [{ a: 1 }], compression: 'none' }));
const l = layout(frame);
console.log('sig', frame.subarray(l.signatureStart).toString('hex'));
const t0 = performance.now();
const byRegion: Record<string, number[]> = {};
const timeByRegion: Record<string, number> = {};
for (let off = 0; off < frame.length; off++) for (const bit of [off % 8]) {
  const b = Buffer.from(frame); b[off]! ^= 1 << bit;
  const t = performance.now();
  try { await open(b, { me: f.bob, trust: f.trust }); console.log('ACCEPTED', off, bit, regionOf(l, off), 'sigoff', off - l.signatureStart); } catch {}
  const r = regionOf(l, off); timeByRegion[r] = (timeByRegion[r] ?? 0) + performance.now() - t;
  (byRegion[r] ??= []).push(off);
}
console.log(Object.fromEntries(Object.entries(byRegion).map(([k, v]) => [k, v.length])), timeByRegion, performance.now() - t0);
