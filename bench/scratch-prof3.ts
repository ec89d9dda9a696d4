import pg from 'pg';
import { postgres } from '../packages/connector-postgres/src/index.js';
import { resolveTable } from '@ferry/sdk/connector';
import { postgresDialect } from '../packages/connector-postgres/src/index.js';
const url = 'postgres://postgres@127.0.0.1:5432/test';
const c = new pg.Client({ connectionString: url }); await c.connect();
await c.query(`DROP TABLE IF EXISTS prof_t`);
await c.query(`CREATE TABLE prof_t (id bigint PRIMARY KEY, name text NOT NULL, code varchar(32) NOT NULL, amount numeric(14,2) NOT NULL, born date, active boolean NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz(6) NOT NULL)`);
await c.query(`INSERT INTO prof_t SELECT g, '企业名称-' || g, 'CODE' || lpad(g::text, 10, '0'), (g % 100000) / 100.0 + 1000, date '1990-01-01' + (g % 10000), g % 3 = 0, timestamptz '2026-01-01 08:00:00+08' + g * interval '1 second', timestamptz '2026-01-01 08:00:00+08' + g * interval '1 millisecond' FROM generate_series(1, 200000) g`);
await c.query('VACUUM ANALYZE prof_t');
const s = postgres({ connection: url });
const db = await s.db();
const [meta] = await s.discover(['prof_t']);
const rt = resolveTable(postgresDialect, { table: 'prof_t', strategy: { kind: 'diff' } }, meta!);
const all: any[] = []; let after = 0;
for (;;) { const r = await db.query('SELECT t.* FROM prof_t t WHERE t.id > ? ORDER BY t.id LIMIT 10000', [after]); if (!r.length) break; all.push(...r); after = Number(r[r.length-1]!.id); }
for (let round = 0; round < 3; round++) {
  let t = performance.now(); const rows = all.map(rt.decodeRow); const d = performance.now() - t;
  t = performance.now(); const ch = rows.map((row) => ({ op: 'upsert', key: rt.keyOf(row), row })); const k = performance.now() - t;
  console.log('decode', d.toFixed(0), 'ms; keyOf+change', k.toFixed(0), 'ms');
}
for (let round = 0; round < 3; round++) {
  let t = performance.now(); let n = 0;
  for await (const ch of s.snapshot({ table: 'prof_t', strategy: { kind: 'timestamp', column: 'updated_at', lagMs: 0 } }, { chunkSize: 10000, position: {} })) n += ch.changes.length;
  console.log('snapshot iterate', n, (performance.now() - t).toFixed(0), 'ms');
  t = performance.now(); n = 0; after = 0;
  for (;;) { const r = await db.query('SELECT t.* FROM prof_t t WHERE t.id > ? ORDER BY t.id LIMIT 10000', [after]); if (!r.length) break; n += r.length; after = Number(r[r.length-1]!.id); }
  console.log('keyset raw', n, (performance.now() - t).toFixed(0), 'ms');
}
await s.close(); await c.query('DROP TABLE prof_t'); await c.end();
