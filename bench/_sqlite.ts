import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { openDatabase } from '../packages/hub/src/store/database.js';
import { createResourceTable } from '../packages/hub/src/store/resources.js';
const dir = mkdtempSync(join(tmpdir(), 'sq-'));
const db = await openDatabase({ sqlite: join(dir, 'x.sqlite'), synchronous: 'full', schema: 'x', poolMax: 1 }, dir);
for (const t of ['a', 'b', 'c', 'd']) await createResourceTable(db.knex, { table: t, keyColumns: ['k_0'] });
const conn = await (db.knex.client as any).acquireConnection();
const row = JSON.stringify({ id: { $int: '123' }, name: '李四·欧阳', address: '山东省济南市历下区泉城路123号（政务服务中心）', amount: { $dec: '123.50' }, born: { $date: '1990-01-11' }, updated: { $ts: '2026-11-26T08:00:00.123456+08:00' } });
let key = 0;
const cols = '"sender","k_0","row","epoch","seq","updated_at"';
const stmt = (table: string, n: number, upsert: boolean) => conn.prepare(`INSERT INTO "${table}" (${cols}) VALUES ${Array(n).fill('(?,?,?,?,?,?)').join(',')}${upsert ? ' ON CONFLICT ("sender","k_0") DO UPDATE SET "row"=excluded."row","epoch"=excluded."epoch","seq"=excluded."seq","updated_at"=excluded."updated_at"' : ''}`);
const params = (n: number) => { const p = []; for (let i = 0; i < n; i++) p.push('GA01', String(key++), row, 1, 1, '2026-01-01T00:00:00Z'); return p; };
const variants: [string, () => void][] = [];
const s1000 = stmt('a', 1000, false); variants.push(['raw insert 1000 (autocommit)', () => s1000.run(params(1000))]);
const u1000 = stmt('b', 1000, true); variants.push(['upsert 1000 (autocommit)', () => u1000.run(params(1000))]);
const u250 = stmt('c', 250, true); variants.push(['upsert 4x250 in tx', () => { conn.exec('BEGIN'); for (let i = 0; i < 4; i++) u250.run(params(250)); conn.exec('COMMIT'); }]);
const single = conn.prepare(`INSERT INTO "d" (${cols}) VALUES (?,?,?,?,?,?) ON CONFLICT ("sender","k_0") DO UPDATE SET "row"=excluded."row"`);
variants.push(['upsert 1000 single-row in tx', () => { conn.exec('BEGIN'); for (let i = 0; i < 1000; i++) single.run(params(1)); conn.exec('COMMIT'); }]);
conn.exec('create table blobs (x blob)');
const blob = Buffer.from(Array(1000).fill('{"op":"upsert","key":' + row + ',"row":' + row + '}').join('\n'));
const ins = conn.prepare('insert into blobs values (?)');
variants.push(['blob 300KB insert', () => ins.run(blob)]);
variants.push(['deflate(1) 300KB + insert', () => ins.run(deflateRawSync(blob, { level: 1 }))]);
variants.push(['deflate(1) 300KB only', () => deflateRawSync(blob, { level: 1 })]);
variants.push(['empty write commit', () => { conn.exec('BEGIN'); ins.run(Buffer.alloc(1)); conn.exec('COMMIT'); }]);
for (let round = 0; round < 3; round++) {
  for (const [label, fn] of variants) { const t = performance.now(); for (let i = 0; i < 20; i++) fn(); if (round === 2) console.log(label.padEnd(32), ((performance.now() - t) / 20).toFixed(2), 'ms'); }
}
console.log('deflated size', deflateRawSync(blob, { level: 1 }).length, 'of', blob.length);
await (db.knex.client as any).releaseConnection(conn);
await db.close();
