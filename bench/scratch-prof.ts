import pg from 'pg';
import { encodeChanges } from '@ferry/sdk/changes';
import { postgres } from '../packages/connector-postgres/src/index.js';
const url = 'postgres://postgres@127.0.0.1:5432/test';
const c = new pg.Client({ connectionString: url }); await c.connect();
await c.query(`DROP TABLE IF EXISTS prof_t`);
await c.query(`CREATE TABLE prof_t (id bigint PRIMARY KEY, name text NOT NULL, code varchar(32) NOT NULL, amount numeric(14,2) NOT NULL, born date, active boolean NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz(6) NOT NULL)`);
await c.query(`INSERT INTO prof_t SELECT g, '企业名称-' || g, 'CODE' || lpad(g::text, 10, '0'), (g % 100000) / 100.0 + 1000, date '1990-01-01' + (g % 10000), g % 3 = 0, timestamptz '2026-01-01 08:00:00+08' + g * interval '1 second', timestamptz '2026-01-01 08:00:00+08' + g * interval '1 millisecond' FROM generate_series(1, 200000) g`);
await c.query('VACUUM ANALYZE prof_t');
const s = postgres({ connection: url });
const cfg = { table: 'prof_t', strategy: { kind: 'timestamp' as const, column: 'updated_at', lagMs: 0 } };
for (const mode of ['iterate', 'encode', 'iterate', 'encode']) {
  let t = performance.now(); let cpu = process.cpuUsage(); let n = 0;
  for await (const ch of s.snapshot(cfg, { chunkSize: 10000, position: {} })) { n += ch.changes.length; if (mode === 'encode') encodeChanges(ch.changes); }
  const u = process.cpuUsage(cpu);
  console.log(mode, n, ((performance.now() - t)/1000).toFixed(2), 's wall', ((u.user+u.system)/1e6).toFixed(2), 's cpu');
}
{ const db = await s.db(); let t = performance.now(); let n = 0; let after = 0;
  for (;;) { const r = await db.query('SELECT t.* FROM prof_t t WHERE t.id > ? ORDER BY t.id LIMIT 10000', [after]); if (!r.length) break; n += r.length; after = Number(r[r.length-1]!.id); }
  console.log('keyset raw via knex', n, ((performance.now() - t)/1000).toFixed(2)); }
{ let t = performance.now(); const r = await c.query('SELECT * FROM prof_t'); console.log('pg buffered select', r.rows.length, ((performance.now() - t)/1000).toFixed(2)); }
await s.close(); await c.query('DROP TABLE prof_t'); await c.end();
