import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHANGES_CONTENT_TYPE, createCertificateAuthority, DateOnly, Decimal, encodeChanges, generateKeyPair, issueCertificate, open, seal, signReceipt, Timestamp, TrustStore, verifyEnvelope, type Identity, type Change } from '@ferry/sdk';
import { decodeBatch } from '../packages/hub/src/ingest/decode-batch.js';
import { openDatabase } from '../packages/hub/src/store/database.js';
import { createResourceTable } from '../packages/hub/src/store/resources.js';
import { sqliteDialect } from '../packages/hub/src/store/dialects/sqlite.js';

const ca = createCertificateAuthority({ subject: { commonName: 'CA' }, algorithm: 'ec-p256' });
const party = (d: string): Identity => { const k = generateKeyPair('ec-p256'); return { privateKey: k, certificate: issueCertificate({ issuer: ca, subject: { commonName: d, departmentCode: d }, publicKey: k.publicKey }) }; };
const hub = party('HUB01'); const prov = party('GA01'); const trust = new TrustStore([ca.certificate]);
const batch = (first: number): Change[] => Array.from({ length: 1000 }, (_, i) => { const id = BigInt(first + i); return { op: 'upsert' as const, key: { id }, row: { id, name: i % 2 ? '张三' : '李四·欧阳', address: `山东省济南市历下区泉城路${first + i}号（政务服务中心）`, amount: new Decimal(`${first + i}.50`), born: new DateOnly('1990-01-11'), updated: new Timestamp('2026-11-26T08:00:00.123456+08:00') } }; });
const frames = [] as Uint8Array[];
for (let i = 0; i < 30; i++) frames.push(await seal({ from: prov, to: hub.certificate, resource: '101001/000001', stream: { epoch: 1, seq: i }, bytes: encodeChanges(batch(i * 1000)), contentType: CHANGES_CONTENT_TYPE }));
console.log('frame bytes', frames[0]!.length);
const time = async (label: string, fn: (i: number) => unknown) => { for (let i = 0; i < 5; i++) await fn(i); const t = performance.now(); for (let i = 0; i < 30; i++) await fn(i); console.log(label.padEnd(30), ((performance.now() - t) / 30).toFixed(2), 'ms'); };
await time('verifyEnvelope', (i) => verifyEnvelope(frames[i % 30]!, { trust }));
await time('open', (i) => open(frames[i % 30]!, { trust, me: hub }));
const opened = await open(frames[0]!, { trust, me: hub });
const keyItems = [{ name: 'id', dataType: 'integer' as const, column: 'k_0' }];
await time('decodeBatch', () => decodeBatch(opened.content, keyItems));
await time('signReceipt', () => signReceipt({ v: 1, envelopeId: 'a'.repeat(32), sender: 'GA01', resource: 'r', epoch: 1, seq: 1, rows: 1000, status: 'applied', appliedAt: new Date().toISOString(), hub: 'HUB01' }, hub));
const dir = mkdtempSync(join(tmpdir(), 'ph-'));
const db = await openDatabase({ sqlite: join(dir, 'x.sqlite'), synchronous: 'full', schema: 'x', poolMax: 1 }, dir);
await createResourceTable(db.knex, { table: 'resource_1', keyColumns: ['k_0'] });
const prepared = frames.map((f) => decodeBatch(opened.content, keyItems));
let n = 0;
await time('upsert (tx, fresh keys)', async (i) => {
  const b = decodeBatch((await open(frames[i % 30]!, { trust, me: hub })).content, keyItems);
  await db.knex.transaction(async (trx) => {
    const c = await (trx as any).client.acquireConnection();
    await sqliteDialect.upsertRows(c, { table: 'resource_1', keyColumns: ['k_0'] }, { sender: 'GA01', keys: b.upserts.keys.map(k => k.map(x => x + '_' + n)), rows: b.upserts.rows, epoch: 1, seq: n, updatedAt: new Date().toISOString() });
    n++;
  });
});
await time('tx: upsert only, no open', async () => {
  const b = prepared[0]!;
  await db.knex.transaction(async (trx) => {
    const c = await (trx as any).client.acquireConnection();
    await sqliteDialect.upsertRows(c, { table: 'resource_1', keyColumns: ['k_0'] }, { sender: 'GA01', keys: b.upserts.keys.map(k => k.map(x => x + '_' + n)), rows: b.upserts.rows, epoch: 1, seq: n, updatedAt: new Date().toISOString() });
    n++;
  });
});
await time('tx: empty commit', async () => { await db.knex.transaction(async (trx) => { await trx.raw('select 1'); }); });
await time('tx: 200KB blob insert', async () => { await db.knex.transaction(async (trx) => { await trx.raw('create table if not exists blobs (x text)'); await trx('blobs').insert({ x: prepared[0]!.content }); }); });
await db.close();
