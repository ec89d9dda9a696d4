// PostgreSQL connector throughput and memory: snapshot and incremental (timestamp) capture of a generated
// table into a sink that encodes every batch as NDJSON (encodeChanges), beside the raw driver read of the
// same table (pg + pg-query-stream, a streamed SELECT *) measured in the same run.
//
// Run: pnpm bench:connector                                   (builds first; 1,000,000 rows)
//      node --import tsx bench/connector-snapshot.ts --rows 100000   (quick run; needs packages/sdk built)
//      options: --rows N, --batch N (rows per chunk, default 10000), --rounds N, --url postgres://…
//
// Each measurement runs in a fresh child process; peak RSS is the child's high-water mark (getrusage
// maxrss), Node and tsx included. Throughput is rows / wall-clock seconds; CPU seconds of the Node process
// are shown beside (the server's work is the same for both contenders).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeChanges } from '@ferry/sdk/changes';
import type { ChangeBatch, ChangeSink } from '@ferry/sdk/connector';
import { runConnector } from '@ferry/sdk/connector';
import pg from 'pg';
import QueryStream from 'pg-query-stream';
import { postgres } from '../packages/connector-postgres/src/index.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const rows = Number(args.get('rows') ?? 1_000_000);
const batch = Number(args.get('batch') ?? 10_000);
const url =
  args.get('url') ?? process.env.FERRY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const table = `ferry_bench_snapshot_${rows}`;
const SNAPSHOT_TARGET = 0.6;

interface Result {
  rows: number;
  wallS: number;
  cpuS: number;
  maxRssMb: number;
  bytes?: number;
}

/** Counts rows and NDJSON bytes; keeps only the last cursor per resource. */
class CountingSink implements ChangeSink {
  rows = 0;
  bytes = 0;
  readonly cursors = new Map<string, string>();
  constructor(private readonly encode = true) {}
  async write(b: ChangeBatch): Promise<void> {
    if (this.encode) this.bytes += encodeChanges(b.changes).byteLength;
    this.rows += b.changes.length;
    this.cursors.set(b.resource, b.cursor);
  }
  async cursor(resource: string): Promise<string | undefined> {
    return this.cursors.get(resource);
  }
}

function finish(started: number, cpu: NodeJS.CpuUsage, count: number, bytes?: number): Result {
  const used = process.cpuUsage(cpu);
  return {
    rows: count,
    wallS: (performance.now() - started) / 1000,
    cpuS: (used.user + used.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    ...(bytes === undefined ? {} : { bytes }),
  };
}

const tableConfig = {
  table,
  resource: 'bench/000001',
  strategy: { kind: 'timestamp' as const, column: 'updated_at', lagMs: 0 },
};

async function phase(name: string, cursorFile: string | undefined): Promise<Result> {
  if (name === 'raw') {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const started = performance.now();
    const cpu = process.cpuUsage();
    let count = 0;
    const stream = client.query(new QueryStream(`SELECT * FROM ${table}`, [], { batchSize: batch }));
    for await (const _row of stream) count++;
    const r = finish(started, cpu, count);
    await client.end();
    return r;
  }
  const source = postgres({ connection: url, pool: { max: 3 } });
  const sink = new CountingSink(name !== 'snapshot-noencode');
  if (name === 'incremental') sink.cursors.set(tableConfig.resource, readFileSync(cursorFile!, 'utf8'));
  await (await source.db()).query('SELECT 1');
  const started = performance.now();
  const cpu = process.cpuUsage();
  await runConnector({
    source,
    sink,
    tables: [tableConfig],
    batchSize: batch,
    once: true,
    maxBatchesPerTurn: 1000,
  });
  const r = finish(started, cpu, sink.rows, sink.bytes);
  if (name === 'snapshot') writeFileSync(cursorFile!, sink.cursors.get(tableConfig.resource)!);
  await source.close?.();
  return r;
}

function child(name: string, cursorFile?: string): Result {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--phase',
      name,
      '--rows',
      String(rows),
      '--batch',
      String(batch),
      '--url',
      url,
      ...(cursorFile ? ['--cursor', cursorFile] : []),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as Result;
}

async function setup(client: pg.Client): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.query(`CREATE TABLE ${table} (
    id bigint PRIMARY KEY, name text NOT NULL, code varchar(32) NOT NULL, amount numeric(14,2) NOT NULL,
    born date, active boolean NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz(6) NOT NULL)`);
  await client.query(`INSERT INTO ${table}
    SELECT g, '企业名称-' || g, 'CODE' || lpad(g::text, 10, '0'), (g % 100000) / 100.0 + 1000, date '1990-01-01' + (g % 10000),
           g % 3 = 0, timestamptz '2026-01-01 08:00:00+08' + g * interval '1 second', timestamptz '2026-01-01 08:00:00+08' + g * interval '1 millisecond'
      FROM generate_series(1, ${rows}) g`);
  await client.query(`CREATE INDEX ON ${table} (updated_at, id)`);
  await client.query(`VACUUM ANALYZE ${table}`);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const rate = (r: Result) => r.rows / r.wallS;

async function main(): Promise<void> {
  const phaseName = args.get('phase');
  if (phaseName) {
    console.log(JSON.stringify(await phase(phaseName, args.get('cursor'))));
    return;
  }
  const rounds = Number(args.get('rounds') ?? (rows > 200_000 ? 2 : 3));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  console.log(
    `PostgreSQL connector bench: ${fmt(rows)} rows, ${fmt(batch)} rows per chunk, ${rounds} rounds, load ${loadavg()[0]!.toFixed(2)}`,
  );
  let t = performance.now();
  await setup(client);
  console.log(`table ${table} created in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
  const cursorFile = join(dir, 'cursor');
  const raw: Result[] = [];
  const snap: Result[] = [];
  const bare: Result[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      // Alternate the order so neither contender always runs on a warmer cache.
      if (i % 2 === 0) {
        raw.push(child('raw'));
        snap.push(child('snapshot', cursorFile));
        bare.push(child('snapshot-noencode'));
      } else {
        bare.push(child('snapshot-noencode'));
        snap.push(child('snapshot', cursorFile));
        raw.push(child('raw'));
      }
    }
    t = performance.now();
    await client.query(`UPDATE ${table} SET amount = amount + 1, updated_at = clock_timestamp()`);
    const updateS = (performance.now() - t) / 1000;
    // As autovacuum would: without it the index range reads wade through a million dead row versions.
    await client.query(`VACUUM ANALYZE ${table}`);
    const inc = child('incremental', cursorFile);
    const best = (rs: Result[]) => rs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
    const bRaw = best(raw);
    const bSnap = best(snap);
    const ratio = rate(bSnap) / rate(bRaw);
    const row = (label: string, r: Result, extra = '') =>
      console.log(
        `${label.padEnd(34)} ${fmt(rate(r)).padStart(10)} rows/s  ${r.wallS.toFixed(2).padStart(6)} s wall  ${r.cpuS.toFixed(2).padStart(6)} s cpu  peak RSS ${r.maxRssMb.toFixed(0).padStart(4)} MB${extra}`,
      );
    console.log('');
    row('raw pg + pg-query-stream (SELECT *)', bRaw);
    row('ferry snapshot → encodeChanges', bSnap, `  ${(bSnap.bytes! / 1e6).toFixed(0)} MB NDJSON`);
    row('ferry snapshot, sink not encoding', best(bare), '  (the connector alone)');
    row(`ferry incremental (timestamp)`, inc, `  after UPDATE of all rows (${updateS.toFixed(1)} s)`);
    console.log('');
    console.log(
      `snapshot / raw = ${(ratio * 100).toFixed(0)}%  (target ≥ ${SNAPSHOT_TARGET * 100}%: ${ratio >= SNAPSHOT_TARGET ? 'PASS' : 'MISS'})`,
    );
    console.log(`snapshot without encoding / raw = ${((rate(best(bare)) / rate(bRaw)) * 100).toFixed(0)}%`);
    console.log(
      `all rounds, rows/s: raw ${raw.map((r) => fmt(rate(r))).join(', ')}; snapshot ${snap.map((r) => fmt(rate(r))).join(', ')}; not encoding ${bare.map((r) => fmt(rate(r))).join(', ')}`,
    );
    if (bSnap.rows !== rows || inc.rows !== rows || bRaw.rows !== rows) {
      console.error(
        `row counts differ: raw ${bRaw.rows}, snapshot ${bSnap.rows}, incremental ${inc.rows}, table ${rows}`,
      );
      process.exitCode = 1;
    }
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
