// PostgreSQL connector throughput and memory (issue #5): snapshot and incremental (timestamp) capture of a
// generated table by runConnector with @ferry/connector-postgres into the real sync path — FerryClient's sink
// (encode, seal, durable outbox) and delivery over loopback HTTP to a real hub (createHub, SQLite file, run in
// this process) — timed until the hub has applied every row (drain(): every batch acknowledged by a verified
// receipt; the hub's table is counted afterwards), beside the raw driver read of the same table (pg +
// pg-query-stream, a streamed SELECT *) measured in the same run, interleaved, in fetches of the chunk size and
// of 1,000 rows. Target: snapshot → hub ≥ 60% of the faster raw read; the connector process's peak RSS flat
// from 100k to 1M rows.
// Diagnostics beside: the connector alone (its snapshot into a sink that only counts the encoded bytes), the
// same with `copy: false` (the SELECT path the connector used before it read snapshots with COPY), and a raw
// COPY read (pg-copy-streams, counting lines): what the connector's own way of reading costs by itself.
//
// Run: pnpm bench:connector                                   (1,000,000 rows)
//      node --import tsx bench/connector-snapshot.ts --rows 100000   (quick run)
//      options: --rows N, --batch N (rows per chunk and envelope, default 10000), --rounds N,
//               --url postgres://…, --no-hub (diagnostic contenders only), --profile DIR (CPU profiles of
//               the children; add --cpu-prof to this process for the hub's), --live-heap (diagnostic, give
//               it last: the hub contenders' children run with --expose-gc and collect garbage at the 100k
//               mark and at the end of the capture, after taking the figures above, to show what is live;
//               the collections change what is measured after them)
//
// Each measurement runs in a fresh child process (the connector daemon's part); peak RSS is the child's
// high-water mark (getrusage maxrss, Node and tsx included). Throughput is rows / wall-clock seconds; CPU
// seconds of the child (and of this process, i.e. the hub, for the hub contenders) are shown beside.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CatalogEntry } from '@ferry/sdk';
import { changeCount, encodeChanges, encodedChanges } from '@ferry/sdk/changes';
import type { ChangeBatch, ChangeSink } from '@ferry/sdk/connector';
import { ConnectorMetrics, runConnector } from '@ferry/sdk/connector';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import QueryStream from 'pg-query-stream';
import { postgres } from '../packages/connector-postgres/src/index.js';
import type { BenchHub, BenchPki } from './support/platform.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const rows = Number(args.get('rows') ?? 1_000_000);
const batch = Number(args.get('batch') ?? 10_000);
const url =
  args.get('url') ?? process.env.FERRY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const table = `ferry_bench_snapshot_${rows}`;
const withHub = !process.argv.includes('--no-hub');
/** Diagnostic: a forced collection at the marks of the hub contenders, to tell live memory from garbage. */
const liveHeap = process.argv.includes('--live-heap');
const SNAPSHOT_TARGET = 0.6;
/** The raw read's other fetch size (pg-query-stream's batchSize), measured beside the chunk size. */
const RAW_FETCH = 1000;
const RESOURCE = '101001/000001';
/** Rows captured when the connector's memory is noted a first time (the issue's 100k mark). */
const MARK = 100_000;

interface Result {
  rows: number;
  wallS: number;
  cpuS: number;
  maxRssMb: number;
  bytes?: number;
  /** Hub contenders: seconds until runConnector returned (everything in the outbox). */
  captureS?: number;
  /** Hub contenders: the child's peak RSS when MARK rows had been captured. */
  markRssMb?: number;
  /** Hub contenders: the child's JS heap in use and its buffers (external + array buffers), MB, at MARK rows and when the capture ended. */
  heap?: { markMb: number; markBuffersMb: number; endMb: number; endBuffersMb: number };
  /** Hub contenders with --live-heap: the same right after a forced full collection (what is live). */
  liveHeap?: { markMb: number; markBuffersMb: number; endMb: number; endBuffersMb: number };
  /** Hub contenders: batches waiting in the outbox when the capture ended. */
  pendingAtCapture?: number;
  /** Hub contenders: seconds spent in the sink's write (encode, seal, durable outbox append). */
  writeS?: number;
  /** Hub contenders: CPU seconds of this process (the hub) during the run. */
  hubCpuS?: number;
  /** Hub contenders: rows the hub holds afterwards (snapshot), or rows written after the snapshot (incremental). */
  hubRows?: number;
}

/** What a hub contender's child is given. */
interface HubChildConfig {
  hubUrl: string;
  storageDir: string;
  cert: string;
  key: string;
  ca: string;
}

/**
 * Counts rows and NDJSON bytes (the encoded form the batch carries, as the outbox takes it; encoded here only
 * when it carries none); keeps only the last cursor per resource.
 */
class CountingSink implements ChangeSink {
  rows = 0;
  bytes = 0;
  readonly cursors = new Map<string, string>();
  async write(b: ChangeBatch): Promise<void> {
    this.bytes += (encodedChanges(b)?.bytes ?? encodeChanges(b.changes)).byteLength;
    this.rows += changeCount(b);
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
  resource: RESOURCE,
  strategy: { kind: 'timestamp' as const, column: 'updated_at', lagMs: 0 },
};

/** One capture of the bench table until it is caught up, in chunks (and envelopes) of `--batch` rows. */
function captureOnce(source: ReturnType<typeof postgres>, sink: ChangeSink) {
  return {
    source,
    sink,
    tables: [tableConfig],
    batchSize: batch,
    once: true,
    maxBatchesPerTurn: 1000,
  };
}

/**
 * The connector daemon's work: runConnector from PostgreSQL into FerryClient's sink (seal, outbox), delivery
 * to the hub; timed from the start of the capture until drain() resolves (the hub applied every batch).
 */
async function hubPhase(configFile: string): Promise<Result> {
  const cfg = JSON.parse(readFileSync(configFile, 'utf8')) as HubChildConfig;
  const { loadIdentity, TrustStore } = await import('@ferry/sdk');
  const { FerryClient } = await import('@ferry/sdk/sync');
  const client = await FerryClient.connect({
    hubUrl: cfg.hubUrl,
    identity: loadIdentity({ certificate: cfg.cert, privateKey: cfg.key }),
    trust: TrustStore.fromPem(cfg.ca),
    storageDir: cfg.storageDir,
  });
  const source = postgres({ connection: url, pool: { max: 3 } });
  await (await source.db()).query('SELECT 1');
  const metrics = new ConnectorMetrics();
  let markRssMb: number | undefined;
  let mark: NodeJS.MemoryUsage | undefined;
  let liveMark: NodeJS.MemoryUsage | undefined;
  const collect = (globalThis as { gc?: () => void }).gc;
  const live = () => {
    collect!();
    return process.memoryUsage();
  };
  let writeMs = 0;
  const sink: ChangeSink = {
    write: async (b) => {
      const t = performance.now();
      await client.sink.write(b);
      writeMs += performance.now() - t;
    },
    cursor: (resource) => client.sink.cursor(resource),
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await runConnector({
    ...captureOnce(source, sink),
    metrics,
    onEvent: (e) => {
      if (e.type === 'batch' && markRssMb === undefined && metrics.rowsCaptured >= MARK) {
        markRssMb = process.resourceUsage().maxRSS / 1024;
        mark = process.memoryUsage();
        if (collect) liveMark = live();
      }
    },
  });
  const captureS = (performance.now() - started) / 1000;
  const end = process.memoryUsage();
  const liveEnd = collect ? live() : undefined;
  const pendingAtCapture = client.status().streams.reduce((n, st) => n + st.pendingBatches, 0);
  await client.drain(3_600_000);
  // drain() also returns when a stream stopped on a rejection: then nothing was measured.
  const left = client.status().streams.filter((st) => st.pendingBatches > 0 || st.stopped);
  if (left.length > 0) throw new Error(`delivery did not finish: ${JSON.stringify(left)}`);
  const r = finish(started, cpu, metrics.rowsCaptured);
  await client.close();
  await source.close?.();
  const mb = (n: number) => n / 2 ** 20;
  // Heap in use and buffers (external + array buffers), MB, at MARK rows and at the end of the capture.
  const figures = (at: NodeJS.MemoryUsage, last: NodeJS.MemoryUsage) => ({
    markMb: mb(at.heapUsed),
    markBuffersMb: mb(at.external + at.arrayBuffers),
    endMb: mb(last.heapUsed),
    endBuffersMb: mb(last.external + last.arrayBuffers),
  });
  return {
    ...r,
    captureS,
    writeS: writeMs / 1000,
    pendingAtCapture,
    ...(markRssMb === undefined ? {} : { markRssMb }),
    ...(mark ? { heap: figures(mark, end) } : {}),
    ...(liveMark && liveEnd ? { liveHeap: figures(liveMark, liveEnd) } : {}),
  };
}

/** A raw read on a client of its own, timed from its first query; `read` returns the rows it counted. */
async function rawRead(read: (client: pg.Client) => Promise<number>): Promise<Result> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const r = finish(started, cpu, await read(client));
  await client.end();
  return r;
}

async function phase(name: string, cursorFile: string | undefined): Promise<Result> {
  if (name === 'hub') return hubPhase(cursorFile!);
  if (name === 'raw') {
    const fetch = Number(args.get('fetch') ?? batch);
    return rawRead(async (client) => {
      let count = 0;
      const stream = client.query(new QueryStream(`SELECT * FROM ${table}`, [], { batchSize: fetch }));
      for await (const _row of stream) count++;
      return count;
    });
  }
  if (name === 'raw-copy') {
    return rawRead(async (client) => {
      let count = 0;
      const stream = client.query(copyTo(`COPY (SELECT * FROM ${table}) TO STDOUT`));
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) count++;
      }
      return count;
    });
  }
  const source = postgres({ connection: url, pool: { max: 3 }, copy: name !== 'snapshot-select' });
  const sink = new CountingSink();
  if (name === 'incremental') sink.cursors.set(tableConfig.resource, readFileSync(cursorFile!, 'utf8'));
  await (await source.db()).query('SELECT 1');
  const started = performance.now();
  const cpu = process.cpuUsage();
  await runConnector(captureOnce(source, sink));
  const r = finish(started, cpu, sink.rows, sink.bytes);
  if (name === 'snapshot') writeFileSync(cursorFile!, sink.cursors.get(tableConfig.resource)!);
  await source.close?.();
  return r;
}

const execFileAsync = promisify(execFile);
/** `--profile DIR`: every child writes a V8 CPU profile there (run this process with --cpu-prof for the hub's). */
const profileDir = args.get('profile');
let profiles = 0;

/** Runs one measurement in a fresh child process (asynchronously: a hub in this process keeps serving). */
async function child(name: string, cursorFile?: string, extra: string[] = []): Promise<Result> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [
      ...(profileDir
        ? ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', `${name}-${++profiles}.cpuprofile`]
        : []),
      ...(liveHeap && name === 'hub' ? ['--expose-gc'] : []),
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
      ...extra,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!) as Result;
}

/** The catalog entry of the generated table: its columns as data items (信息项), `id` the key. */
const entry = {
  classification: { category: 'basic', subclass: '01', group: '001' },
  code: RESOURCE,
  name: '市场主体基本信息',
  provider: '某市公安局',
  providerCode: 'GA01',
  summary: '基准测试用的信息资源。',
  format: { type: 'database', detail: 'postgresql table' },
  dataItems: [
    { name: 'id', dataType: 'integer', key: true },
    { name: 'name', dataType: 'text', key: false },
    { name: 'code', dataType: 'string', length: 32, key: false },
    { name: 'amount', dataType: 'decimal', precision: 14, scale: 2, key: false },
    { name: 'born', dataType: 'date', key: false },
    { name: 'active', dataType: 'boolean', key: false },
    { name: 'created_at', dataType: 'datetime', key: false },
    { name: 'updated_at', dataType: 'datetime', key: false },
  ],
  share: { type: 'unconditional', methods: ['platform'] },
  open: { isOpen: false },
  updateCycle: 'realtime',
  releaseDate: '2026-01-01',
  version: 1,
  secrecy: 'non-classified',
  level: 'department',
} as CatalogEntry;

/**
 * One hub contender: a hub on a fresh SQLite file in this process (or the one given), the connector in a
 * child, the hub's table counted afterwards. Returns the hub still running, for the incremental capture.
 */
async function hubRun(
  pki: BenchPki,
  dir: string,
  round: number,
  reuse?: { hub: BenchHub; storageDir: string },
): Promise<{ result: Result; hub: BenchHub; storageDir: string }> {
  const { startBenchHub } = await import('./support/platform.js');
  const roundDir = join(dir, `round-${round}`);
  mkdirSync(roundDir, { recursive: true });
  const hub = reuse?.hub ?? (await startBenchHub(pki, { sqlite: join(roundDir, 'hub.sqlite') }, entry));
  const storageDir = reuse?.storageDir ?? join(roundDir, 'sender');
  const before = reuse ? await hub.rows(RESOURCE) : undefined;
  const configFile = join(roundDir, 'child.json');
  const cfg: HubChildConfig = { hubUrl: hub.url, storageDir, ...pki.providerPem };
  writeFileSync(configFile, JSON.stringify(cfg));
  const cpu = process.cpuUsage();
  const result = await child('hub', configFile);
  const used = process.cpuUsage(cpu);
  result.hubCpuS = (used.user + used.system) / 1e6;
  result.hubRows = before ? await hub.rowsAfter(RESOURCE, before) : (await hub.rows(RESOURCE)).count;
  return { result, hub, storageDir };
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
  // The raw read also with fetches of RAW_FETCH rows, which suit pg better than large ones (its row objects
  // die young): the target is judged against the faster raw read, not the one that shares the chunk size.
  const rawSmall: Result[] = [];
  const rawTurn = async () => {
    raw.push(await child('raw'));
    if (batch !== RAW_FETCH) rawSmall.push(await child('raw', undefined, ['--fetch', String(RAW_FETCH)]));
  };
  const snap: Result[] = [];
  const viaSelect: Result[] = [];
  const rawCopy: Result[] = [];
  const toHub: Result[] = [];
  const { benchPki } = await import('./support/platform.js');
  const pki = benchPki();
  let lastHub: { hub: BenchHub; storageDir: string } | undefined;
  try {
    for (let i = 0; i < rounds; i++) {
      const hubTurn = async () => {
        if (!withHub) return;
        // Only the last round's hub stays up (for the incremental capture); its disk is freed with it.
        await lastHub?.hub.close();
        rmSync(join(dir, `round-${i - 1}`), { recursive: true, force: true });
        const run = await hubRun(pki, dir, i);
        toHub.push(run.result);
        lastHub = { hub: run.hub, storageDir: run.storageDir };
      };
      // Alternate the order so no contender always runs on a warmer cache.
      if (i % 2 === 0) {
        await rawTurn();
        await hubTurn();
        snap.push(await child('snapshot', cursorFile));
        viaSelect.push(await child('snapshot-select'));
        rawCopy.push(await child('raw-copy'));
      } else {
        rawCopy.push(await child('raw-copy'));
        viaSelect.push(await child('snapshot-select'));
        snap.push(await child('snapshot', cursorFile));
        await hubTurn();
        await rawTurn();
      }
    }
    t = performance.now();
    await client.query(`UPDATE ${table} SET amount = amount + 1, updated_at = clock_timestamp()`);
    const updateS = (performance.now() - t) / 1000;
    // As autovacuum would: without it the index range reads wade through a million dead row versions.
    await client.query(`VACUUM ANALYZE ${table}`);
    const inc = await child('incremental', cursorFile);
    const incHub = lastHub ? (await hubRun(pki, dir, rounds, lastHub)).result : undefined;
    const best = (rs: Result[]) => rs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
    const bRawChunk = best(raw);
    const bRawSmall = rawSmall.length > 0 ? best(rawSmall) : undefined;
    const bRaw = bRawSmall && rate(bRawSmall) > rate(bRawChunk) ? bRawSmall : bRawChunk;
    const bSnap = best(snap);
    const bHub = toHub.length > 0 ? best(toHub) : undefined;
    const row = (label: string, r: Result, extra = '') =>
      console.log(
        `${label.padEnd(36)} ${fmt(rate(r)).padStart(10)} rows/s  ${r.wallS.toFixed(2).padStart(6)} s wall  ${r.cpuS.toFixed(2).padStart(6)} s cpu  peak RSS ${r.maxRssMb.toFixed(0).padStart(4)} MB${extra}`,
      );
    const hubExtra = (r: Result) =>
      `  (captured in ${r.captureS!.toFixed(2)} s, ${r.writeS!.toFixed(2)} s of it in sink.write, ${r.pendingAtCapture} batches then waiting; hub CPU ${r.hubCpuS!.toFixed(2)} s${r.markRssMb ? `; peak RSS at ${fmt(MARK)} rows ${r.markRssMb.toFixed(0)} MB` : ''}${r.heap ? `; heap/buffers at ${fmt(MARK)} rows ${r.heap.markMb.toFixed(0)}/${r.heap.markBuffersMb.toFixed(0)} MB, at the end ${r.heap.endMb.toFixed(0)}/${r.heap.endBuffersMb.toFixed(0)} MB` : ''}${r.liveHeap ? `; live after a forced gc ${r.liveHeap.markMb.toFixed(0)}/${r.liveHeap.markBuffersMb.toFixed(0)} MB and ${r.liveHeap.endMb.toFixed(0)}/${r.liveHeap.endBuffersMb.toFixed(0)} MB` : ''})`;
    console.log('');
    row(`raw pg + pg-query-stream, ${fmt(batch)}-row fetches`, bRawChunk);
    if (bRawSmall) row(`raw pg + pg-query-stream, ${fmt(RAW_FETCH)}-row fetches`, bRawSmall);
    if (bHub) row('ferry snapshot → hub on loopback', bHub, hubExtra(bHub));
    if (incHub) row('ferry incremental → hub on loopback', incHub, hubExtra(incHub));
    console.log('diagnostics:');
    row(
      'ferry snapshot → counting sink',
      bSnap,
      `  ${(bSnap.bytes! / 1e6).toFixed(0)} MB NDJSON (the connector alone)`,
    );
    row('ferry snapshot, copy: false', best(viaSelect), '  (read with SELECT, as before COPY)');
    row('raw COPY (SELECT *) TO STDOUT', best(rawCopy), '  (pg-copy-streams, lines counted)');
    row(`ferry incremental → counting sink`, inc, `  after UPDATE of all rows (${updateS.toFixed(1)} s)`);
    console.log('');
    if (bHub) {
      const ratio = rate(bHub) / rate(bRaw);
      console.log(
        `snapshot → hub / raw (the faster raw read) = ${(ratio * 100).toFixed(0)}%  (target ≥ ${SNAPSHOT_TARGET * 100}%: ${ratio >= SNAPSHOT_TARGET ? 'PASS' : 'MISS'}); against the raw read in ${fmt(batch)}-row fetches ${((rate(bHub) / rate(bRawChunk)) * 100).toFixed(0)}%; connector peak RSS ${bHub.maxRssMb.toFixed(0)} MB at ${fmt(rows)} rows`,
      );
    }
    console.log(
      `connector alone / raw = ${((rate(bSnap) / rate(bRaw)) * 100).toFixed(0)}%, with copy: false ${((rate(best(viaSelect)) / rate(bRaw)) * 100).toFixed(0)}%; raw COPY / raw = ${((rate(best(rawCopy)) / rate(bRaw)) * 100).toFixed(0)}%${bHub ? `; snapshot → hub / raw COPY = ${((rate(bHub) / rate(best(rawCopy))) * 100).toFixed(0)}%` : ''}`,
    );
    console.log(
      `all rounds, rows/s: raw ${raw.map((r) => fmt(rate(r))).join(', ')}${rawSmall.length > 0 ? `; raw in ${fmt(RAW_FETCH)}-row fetches ${rawSmall.map((r) => fmt(rate(r))).join(', ')}` : ''}; → hub ${toHub.map((r) => fmt(rate(r))).join(', ')}; connector alone ${snap.map((r) => fmt(rate(r))).join(', ')}; copy: false ${viaSelect.map((r) => fmt(rate(r))).join(', ')}; raw COPY ${rawCopy.map((r) => fmt(rate(r))).join(', ')}`,
    );
    const counts = [
      ['raw', bRawChunk.rows],
      ...(bRawSmall ? [['raw, small fetches', bRawSmall.rows]] : []),
      ['snapshot', bSnap.rows],
      ['snapshot, copy: false', best(viaSelect).rows],
      ['raw COPY', best(rawCopy).rows],
      ['incremental', inc.rows],
      ...toHub.flatMap((r, i) => [
        [`→ hub round ${i + 1} (captured)`, r.rows],
        [`→ hub round ${i + 1} (rows at the hub)`, r.hubRows],
      ]),
      ...(incHub
        ? [
            ['incremental → hub (captured)', incHub.rows],
            ['incremental → hub (rows the hub rewrote)', incHub.hubRows],
          ]
        : []),
    ] as [string, number][];
    const wrong = counts.filter(([, n]) => n !== rows);
    if (wrong.length > 0) {
      console.error(
        `row counts differ from the table's ${rows}: ${wrong.map(([k, n]) => `${k} ${n}`).join(', ')}`,
      );
      process.exitCode = 1;
    }
  } finally {
    await lastHub?.hub.close();
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
