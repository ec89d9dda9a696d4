import { CHANGES_CONTENT_TYPE, createCertificateAuthority, DateOnly, Decimal, encodeChanges, generateKeyPair, issueCertificate, open, seal, Timestamp, TrustStore, type Identity, type Change } from '@ferry/sdk';
import { inflateRawSync, deflateRawSync } from 'node:zlib';
import { createHash } from 'node:crypto';
const ca = createCertificateAuthority({ subject: { commonName: 'CA' }, algorithm: 'ec-p256' });
const party = (d: string): Identity => { const k = generateKeyPair('ec-p256'); return { privateKey: k, certificate: issueCertificate({ issuer: ca, subject: { commonName: d, departmentCode: d }, publicKey: k.publicKey }) }; };
const hub = party('HUB01'); const prov = party('GA01'); const trust = new TrustStore([ca.certificate]);
const batch = (first: number): Change[] => Array.from({ length: 1000 }, (_, i) => { const id = BigInt(first + i); return { op: 'upsert' as const, key: { id }, row: { id, name: i % 2 ? '张三' : '李四·欧阳', address: `山东省济南市历下区泉城路${first + i}号（政务服务中心）`, amount: new Decimal(`${first + i}.50`), born: new DateOnly('1990-01-11'), updated: new Timestamp('2026-11-26T08:00:00.123456+08:00') } }; });
const content = encodeChanges(batch(0));
console.log('content', content.length);
for (const compression of ['deflate', 'none'] as const) {
  const frame = await seal({ from: prov, to: hub.certificate, resource: 'r', stream: { epoch: 1, seq: 0 }, bytes: content, contentType: CHANGES_CONTENT_TYPE, compression });
  for (let i = 0; i < 5; i++) await open(frame, { trust, me: hub });
  let t = performance.now(); for (let i = 0; i < 30; i++) await open(frame, { trust, me: hub }); console.log(compression, 'open', ((performance.now() - t) / 30).toFixed(2));
  t = performance.now(); for (let i = 0; i < 30; i++) await seal({ from: prov, to: hub.certificate, resource: 'r', stream: { epoch: 1, seq: 0 }, bytes: content, contentType: CHANGES_CONTENT_TYPE, compression }); console.log(compression, 'seal', ((performance.now() - t) / 30).toFixed(2));
}
const d = deflateRawSync(content.subarray(0, 65536));
let t = performance.now(); for (let i = 0; i < 90; i++) inflateRawSync(d, { maxOutputLength: 65536 }); console.log('inflate 64K x3', ((performance.now() - t) / 30).toFixed(2));
t = performance.now(); for (let i = 0; i < 90; i++) deflateRawSync(content.subarray(0, 65536)); console.log('deflate 64K x3', ((performance.now() - t) / 30).toFixed(2));
t = performance.now(); for (let i = 0; i < 30; i++) createHash('sha256').update(content).digest(); console.log('sha256', ((performance.now() - t) / 30).toFixed(2));
