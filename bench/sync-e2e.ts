// End-to-end sync throughput and sender memory: `FerryClient.send` (@ferry/sdk/sync) in a child process →
// outbox (seal, fsync) → delivery over loopback HTTP → hub (createHub, in this process) verify, open, apply,
// signed receipt → receipt verified and recorded by the sender. Timed from the first `send` to `drain()`
// resolved (every batch acknowledged by a verified receipt), for a SQLite hub and a PostgreSQL hub, beside a
// raw multi-row INSERT of the same rows (same columns, batches of 1,000; on SQLite with the hub's statement
// shape, see support/raw-baseline.ts) into a fresh table of the same database, measured in the same run,
// interleaved round by round. Target: e2e ≥ 50% of raw.
// Sender memory: the child's VmRSS sampled every 50 ms from /proc and its VmHWM, while 1,000,000 rows pass
// (100,000 with --quick); target < 200 MB and flat.
//
// Run: pnpm bench:sync                                         (builds first)
//      node --expose-gc --import tsx bench/sync-e2e.ts [--rows N] [--rounds N] [--quick]
//      options: --only sqlite|postgres, --mem-rows N, --rounds N, --url postgres://… (or FERRY_BENCH_PG_URL),
//               --profile DIR: one more run per hub with V8 CPU profiles (the same profiler as --cpu-prof, started
//               through node:inspector so it covers exactly first send → drain) of the sender child and of the
//               hub, written to DIR as .cpuprofile (open in Chrome DevTools) and summarized;
//               --max-in-flight N: the sender's delivery.maxInFlight instead of its default (tuning);
//               --batch-rows N, --batch-bytes N: the sender's batch limits instead of the defaults (tuning);
//               --live-heap: force a full GC in the sender at every 100,000 rows, to tell live memory from
//               garbage not yet collected (a diagnostic: it changes the peak being measured).
//
// Sender settings are a deployment's: FerryClient defaults (batch maxRows 10000, maxBytes 4 MiB, maxAgeMs
// 1000; suite INTL with EC P-256 identities; delivery defaults), the producer calls send() with pages of
// 1,000 changes and a cursor, like a connector. Hub settings are the defaults (SQLite WAL with
// synchronous=FULL; PostgreSQL pool 10) except rate limiting, which is turned off (see bench/README.md).
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeChanges, loadIdentity, TrustStore } from '@ferry/sdk';
import type { BenchDatabase } from './support/platform.js';
import { entry, page, RESOURCE } from './support/population.js';
import type { StoredRow } from './support/raw-baseline.js';

const PAGE = 1000; // changes per send() call
const RAW_BATCH = 1000;
const TARGET = 0.5;
const RSS_LIMIT_MB = 200;
const MARK = 100_000;

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : (process.argv[i + 1] ?? '');
}
const QUICK = process.argv.includes('--quick');

// ── the sender (child process) ───────────────────────────────────────────────────────────────────────────
interface ChildConfig {
  hubUrl: string;
  storageDir: string;
  first: number;
  rows: number;
  cert: string;
  key: string;
  ca: string;
  /** Force a full GC at every 100,000 rows to report the live heap (changes what is measured: diagnostic). */
  liveHeap?: boolean;
  /** delivery.maxInFlight instead of the default (--max-in-flight, for tuning). */
  maxInFlight?: number;
  /** batch.maxRows / batch.maxBytes instead of the defaults (--batch-rows, --batch-bytes, for tuning). */
  batchRows?: number;
  batchBytes?: number;
  /** Write a CPU profile of the measured window (first send → drain) into this directory. */
  profileDir?: string;
}

interface Phases {
  batches: number;
  appendMs: number;
  sealMs: number;
  deliverMs: number;
  readFrameMs: number;
  postMs: number;
  ackMs: number;
  /** Wall time with at least one batch on the wire (posts overlap: deliverMs sums them). */
  busyMs: number;
  /** Envelope POSTs that failed after the transport's retries, by the hub's error code (e.g. a gap). */
  failed: Record<string, number>;
  /** The longest Delivery.post (read, POST, verify) in ms: a stall shows here. */
  maxPostMs: number;
}

interface ChildDone {
  type: 'done';
  rows: number;
  ms: number;
  sendMs: number;
  pendingAtSendEnd: number;
  cpuMs: number;
  phases: Phases;
}

/** The child's memory; with `live`, after a full collection (--expose-gc): what is live, not garbage. */
function memoryAt(live = false): NodeJS.MemoryUsage {
  if (live) (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

async function runChild(configFile: string): Promise<void> {
  const cfg = JSON.parse(readFileSync(configFile, 'utf8')) as ChildConfig;
  const { FerryClient, Outbox, Delivery } = await import('@ferry/sdk/sync');

  // Wall time per step, by wrapping the outbox and delivery methods the client calls (bench only).
  const ph: Phases = {
    batches: 0,
    appendMs: 0,
    sealMs: 0,
    deliverMs: 0,
    readFrameMs: 0,
    postMs: 0,
    ackMs: 0,
    busyMs: 0,
    failed: {},
    maxPostMs: 0,
  };
  const timed = <A extends unknown[], R>(fn: (...a: A) => Promise<R>, add: (ms: number) => void) =>
    async function (this: unknown, ...a: A): Promise<R> {
      const t = performance.now();
      try {
        return await fn.apply(this, a);
      } finally {
        add(performance.now() - t);
      }
    };
  type AppendArg = Parameters<(typeof Outbox)['prototype']['append']>[0];
  const append = Outbox.prototype.append;
  Outbox.prototype.append = timed(
    function (this: (typeof Outbox)['prototype'], req: AppendArg) {
      return append.call(this, { ...req, seal: timed(req.seal, (ms) => (ph.sealMs += ms)) });
    },
    (ms) => {
      ph.appendMs += ms;
      ph.batches++;
    },
  );
  Outbox.prototype.readFrame = timed(Outbox.prototype.readFrame, (ms) => (ph.readFrameMs += ms));
  Outbox.prototype.acknowledge = timed(Outbox.prototype.acknowledge, (ms) => (ph.ackMs += ms));
  // Delivery.post: read the frame, POST it, verify the receipt (several at once with the window).
  const post = Delivery.prototype.post;
  let onWire = 0;
  let busySince = 0;
  Delivery.prototype.post = timed(
    function (this: InstanceType<typeof Delivery>, batch) {
      const transport = (
        this as unknown as {
          target: { transport: { request: (...a: unknown[]) => Promise<unknown>; timed?: true } };
        }
      ).target.transport;
      if (!transport.timed) {
        const request = timed(transport.request.bind(transport), (ms) => (ph.postMs += ms));
        transport.request = (...a: unknown[]) =>
          request(...a).catch((err: { code?: string; details?: { hubError?: { code?: string } } }) => {
            const code = err.details?.hubError?.code ?? err.code ?? 'error';
            ph.failed[code] = (ph.failed[code] ?? 0) + 1;
            throw err;
          });
        transport.timed = true;
      }
      if (onWire++ === 0) busySince = performance.now();
      const started = performance.now();
      return post.call(this, batch).finally(() => {
        ph.maxPostMs = Math.max(ph.maxPostMs, performance.now() - started);
        if (--onWire === 0) ph.busyMs += performance.now() - busySince;
      });
    },
    (ms) => (ph.deliverMs += ms),
  );

  const client = await FerryClient.connect({
    hubUrl: cfg.hubUrl,
    identity: loadIdentity({ certificate: cfg.cert, privateKey: cfg.key }),
    trust: TrustStore.fromPem(cfg.ca),
    storageDir: cfg.storageDir,
    ...(cfg.batchRows || cfg.batchBytes
      ? {
          batch: {
            ...(cfg.batchRows ? { maxRows: cfg.batchRows } : {}),
            ...(cfg.batchBytes ? { maxBytes: cfg.batchBytes } : {}),
          },
        }
      : {}),
    ...(cfg.maxInFlight ? { delivery: { maxInFlight: cfg.maxInFlight } } : {}),
  });
  const send = (m: unknown) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
  await send({ type: 'start', rss: process.memoryUsage().rss });
  const profiler = cfg.profileDir ? await startProfiler() : undefined;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const end = cfg.first + cfg.rows;
  let sent = 0;
  for (let first = cfg.first; first < end; first += PAGE) {
    const n = Math.min(PAGE, end - first);
    await client.send(RESOURCE, page(first, n), { cursor: String(first + n - 1) });
    sent += n;
    if (sent % MARK === 0 && sent < cfg.rows)
      await send({ type: 'mark', rows: sent, memory: memoryAt(cfg.liveHeap) });
  }
  await client.flush();
  const tSent = performance.now();
  await send({ type: 'mark', rows: sent, memory: memoryAt(cfg.liveHeap) });
  const pendingAtSendEnd = client.status().streams.reduce((n, s) => n + s.pendingBatches, 0);
  await client.drain(3_600_000);
  const t1 = performance.now();
  // drain() also returns when a stream stopped on a rejection: then nothing was measured.
  const left = client.status().streams.filter((st) => st.pendingBatches > 0 || st.stopped);
  if (left.length > 0) throw new Error(`delivery did not finish: ${JSON.stringify(left)}`);
  const used = process.cpuUsage(cpu);
  if (profiler)
    writeFileSync(
      join(cfg.profileDir!, `sender-${process.pid}.cpuprofile`),
      JSON.stringify(await profiler()),
    );
  const done: ChildDone = {
    type: 'done',
    rows: sent,
    ms: t1 - t0,
    sendMs: tSent - t0,
    pendingAtSendEnd,
    cpuMs: (used.user + used.system) / 1000,
    phases: ph,
  };
  await send(done);
  await client.close();
  process.disconnect();
}

if (process.argv[2] === '--child') {
  await runChild(process.argv[3]!);
} else {
  await main();
}

// ── the platform (this process) ──────────────────────────────────────────────────────────────────────────
interface HubPhases {
  ingests: number;
  ingestMs: number;
  upsertMs: number;
  logMs: number;
}

async function main(): Promise<void> {
  const { benchPki, startBenchHub } = await import('./support/platform.js');
  const { EnvelopeIngest } = await import('../packages/hub/src/ingest/ingest-envelope.js');
  const { ChangeLogStore } = await import('../packages/hub/src/store/change-log.js');
  const { sqliteDialect, postgresDialect } = await import('../packages/hub/src/store/dialects/index.js');
  const { dropBenchSchema, openRawBaseline } = await import('./support/raw-baseline.js');

  const ROWS = Number(flag('rows') ?? 100_000);
  const ROUNDS = Number(flag('rounds') ?? (QUICK ? 2 : 5));
  const MEM_ROWS = Number(flag('mem-rows') ?? (QUICK ? 100_000 : 1_000_000));
  const ONLY = flag('only');
  const PROFILE = flag('profile');
  const LIVE_HEAP = process.argv.includes('--live-heap');
  const MAX_IN_FLIGHT = flag('max-in-flight') === undefined ? undefined : Number(flag('max-in-flight'));
  const PG_URL = flag('url') ?? process.env.FERRY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const here = fileURLToPath(import.meta.url);

  // Hub-side wall time per step (bench only): the whole ingest, the row upsert, the change-log append.
  const hp: HubPhases = { ingests: 0, ingestMs: 0, upsertMs: 0, logMs: 0 };
  const wrap = <T extends object, K extends keyof T>(obj: T, name: K, add: (ms: number) => void) => {
    const fn = obj[name] as unknown as (...a: unknown[]) => Promise<unknown>;
    (obj as Record<K, unknown>)[name] = async function (this: unknown, ...a: unknown[]) {
      const t = performance.now();
      try {
        return await fn.apply(this, a);
      } finally {
        add(performance.now() - t);
      }
    };
  };
  wrap(EnvelopeIngest.prototype, 'ingest', (ms) => {
    hp.ingestMs += ms;
    hp.ingests++;
  });
  wrap(sqliteDialect, 'upsertRows', (ms) => (hp.upsertMs += ms));
  wrap(postgresDialect, 'upsertRows', (ms) => (hp.upsertMs += ms));
  wrap(ChangeLogStore.prototype, 'append', (ms) => (hp.logMs += ms));

  // ── PKI and hub, as packages/e2e/test/support/platform.ts makes them ──
  const platform = benchPki();
  const work = mkdtempSync(join(tmpdir(), 'ferry-bench-sync-'));
  const pki = platform.providerPem;
  // Round-trip check that the child can load what it is given.
  loadIdentity({ certificate: pki.cert, privateKey: pki.key });

  interface Target {
    label: string;
    url: string;
    storageDir: string;
    nextKey: number;
    /** Rows sent through the hub so far. */
    e2eRows: number;
    raw(rows: StoredRow[]): Promise<void>;
    /** Rows of the provider in the hub's resource table. */
    hubRows(): Promise<number>;
    close(): Promise<void>;
  }

  const startHub = (database: BenchDatabase) => startBenchHub(platform, database, entry);

  async function sqliteTarget(): Promise<Target> {
    const file = join(work, 'hub.sqlite');
    const started = await startHub({ sqlite: file });
    const { url } = started;
    const raw = await openRawBaseline({ sqlite: file }, RAW_BATCH);
    let seq = 0;
    return {
      label: 'SQLite hub (file, WAL, synchronous=FULL)',
      url,
      storageDir: join(work, 'sender-sqlite'),
      nextKey: 0,
      e2eRows: 0,
      hubRows: async () => (await started.rows(RESOURCE)).count,
      raw: (rows) => raw.insert(rows, seq++),
      close: async () => {
        await raw.close();
        await started.close();
      },
    };
  }

  async function postgresTarget(): Promise<Target | undefined> {
    const schema = `ferry_bench_sync_${process.pid}_${Date.now().toString(36)}`;
    let started: Awaited<ReturnType<typeof startHub>>;
    try {
      started = await startHub({ url: PG_URL, schema });
    } catch (err) {
      console.log(`\nPostgreSQL hub could not start at ${PG_URL} (${(err as Error).message}): skipped.`);
      console.log('  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start');
      return undefined;
    }
    const { url } = started;
    const raw = await openRawBaseline({ url: PG_URL, schema }, RAW_BATCH);
    let seq = 0;
    return {
      label: 'PostgreSQL hub (127.0.0.1, server defaults)',
      url,
      storageDir: join(work, 'sender-postgres'),
      nextKey: 0,
      e2eRows: 0,
      hubRows: async () => (await started.rows(RESOURCE)).count,
      raw: (rows) => raw.insert(rows, seq++),
      close: async () => {
        await started.close();
        await raw.close();
        await dropBenchSchema(PG_URL, schema);
      },
    };
  }

  // ── one sender run in a child, its memory sampled from /proc ──
  interface SenderRun {
    rows: number;
    ms: number;
    sendMs: number;
    pendingAtSendEnd: number;
    senderCpuMs: number;
    hubCpuMs: number;
    startRssMb: number;
    peakRssMb: number; // largest VmRSS sampled
    hwmMb: number; // VmHWM at the end
    atMark?: { peakRssMb: number; hwmMb: number };
    /** Every 100,000 rows sent, and when the last send() returned: RSS now, peak so far, the child's heap. */
    marks: { rows: number; rssMb: number; peakMb: number; heapMb: number; externalMb: number }[];
    phases: Phases;
    hub: HubPhases;
  }
  const status = (pid: number) => {
    try {
      const s = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
      return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
    } catch {
      return undefined;
    }
  };

  let runNo = 0;
  async function sender(target: Target, rows: number, profileDir?: string): Promise<SenderRun> {
    const configFile = join(work, `child-${runNo++}.json`);
    const cfg: ChildConfig = {
      hubUrl: target.url,
      storageDir: target.storageDir,
      first: target.nextKey,
      rows,
      ...pki,
      ...(profileDir ? { profileDir } : {}),
      ...(LIVE_HEAP ? { liveHeap: true } : {}),
      ...(MAX_IN_FLIGHT ? { maxInFlight: MAX_IN_FLIGHT } : {}),
      ...(flag('batch-rows') ? { batchRows: Number(flag('batch-rows')) } : {}),
      ...(flag('batch-bytes') ? { batchBytes: Number(flag('batch-bytes')) } : {}),
    };
    target.nextKey += rows;
    target.e2eRows += rows;
    writeFileSync(configFile, JSON.stringify(cfg));
    for (const k of Object.keys(hp) as (keyof HubPhases)[]) hp[k] = 0;
    const child: ChildProcess = fork(here, ['--child', configFile], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let peak = 0;
    const timer = setInterval(() => {
      const s = status(child.pid!);
      if (s && s.rss > peak) peak = s.rss;
    }, 50);
    let hubCpu: NodeJS.CpuUsage | undefined;
    let startRss = 0;
    let atMark: SenderRun['atMark'];
    const marks: SenderRun['marks'] = [];
    let done: ChildDone | undefined;
    let hubCpuMs = 0;
    let hubProfiler: Promise<() => Promise<unknown>> | undefined;
    let hubProfile: Promise<unknown> | undefined;
    child.on(
      'message',
      (
        m: { type: 'start' | 'mark'; rss?: number; rows?: number; memory?: NodeJS.MemoryUsage } | ChildDone,
      ) => {
        if (m.type === 'start') {
          hubCpu = process.cpuUsage();
          if (profileDir) hubProfiler = startProfiler();
          startRss = (m as { rss: number }).rss / 2 ** 20;
        } else if (m.type === 'mark') {
          const s = status(child.pid!);
          peak = Math.max(peak, s?.rss ?? 0);
          if (m.rows === MARK) atMark = { peakRssMb: peak, hwmMb: s?.hwm ?? 0 };
          marks.push({
            rows: m.rows!,
            rssMb: s?.rss ?? 0,
            peakMb: peak,
            heapMb: m.memory!.heapUsed / 2 ** 20,
            externalMb: (m.memory!.external + m.memory!.arrayBuffers) / 2 ** 20,
          });
        } else if (m.type === 'done') {
          const used = process.cpuUsage(hubCpu);
          hubCpuMs = (used.user + used.system) / 1000;
          const s = status(child.pid!);
          if (s) peak = Math.max(peak, s.rss);
          done = m as ChildDone;
          if (hubProfiler) hubProfile = hubProfiler.then((stop) => stop());
          (done as ChildDone & { hwm: number }).hwm = s?.hwm ?? 0;
        }
      },
    );
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearInterval(timer);
    if (hubProfile)
      writeFileSync(join(profileDir!, `hub-${process.pid}.cpuprofile`), JSON.stringify(await hubProfile));
    if (code !== 0 || !done) throw new Error(`sender child exited with ${code}`);
    return {
      rows: done.rows,
      ms: done.ms,
      sendMs: done.sendMs,
      pendingAtSendEnd: done.pendingAtSendEnd,
      senderCpuMs: done.cpuMs,
      hubCpuMs,
      startRssMb: startRss,
      peakRssMb: peak,
      hwmMb: (done as ChildDone & { hwm: number }).hwm,
      ...(atMark ? { atMark } : {}),
      marks,
      phases: done.phases,
      hub: { ...hp },
    };
  }

  /** `rows` rows inserted raw, in batches of 1,000; only the INSERT statements are timed. */
  async function rawRun(target: Target, rows: number): Promise<{ rows: number; ms: number; cpuMs: number }> {
    let ms = 0;
    let cpuMs = 0;
    const start = target.nextKey;
    target.nextKey += rows;
    for (let first = start; first < start + rows; first += RAW_BATCH) {
      const changes = page(first, RAW_BATCH);
      // The rows exactly as the hub stores them: canonical key text and the encoded JSON row.
      const lines = Buffer.from(encodeChanges(changes)).toString('utf8').trimEnd().split('\n');
      const stored = lines.map((line, i) => ({
        key: String(first + i),
        row: JSON.stringify((JSON.parse(line) as { row: unknown }).row),
      }));
      const c = process.cpuUsage();
      const t = performance.now();
      await target.raw(stored);
      ms += performance.now() - t;
      const used = process.cpuUsage(c);
      cpuMs += (used.user + used.system) / 1000;
    }
    return { rows, ms, cpuMs };
  }

  const rate = (r: { rows: number; ms: number }) => (r.rows / r.ms) * 1000;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const mb = (n: number) => `${n.toFixed(0)} MB`;

  console.log(
    `sync e2e: ${fmt(ROWS)} rows per round, ${ROUNDS} rounds (e2e and raw interleaved), memory run ${fmt(MEM_ROWS)} rows; Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    'sender: FerryClient defaults (maxRows 10000, maxBytes 4 MiB, maxAgeMs 1000, INTL/EC P-256), send() pages of 1,000',
  );

  interface Summary {
    label: string;
    e2e: number;
    raw: number;
    runs: SenderRun[];
    raws: number[];
    /** Medians of CPU ms per 1,000 rows. */
    cpu: { sender: number; hub: number; raw: number };
  }
  const summaries: Summary[] = [];
  let memory: SenderRun | undefined;
  const kinds = [
    ...(ONLY && ONLY !== 'sqlite' ? [] : [sqliteTarget]),
    ...(ONLY && ONLY !== 'postgres' ? [] : [postgresTarget]),
  ];
  if (PROFILE) mkdirSync(PROFILE, { recursive: true });
  try {
    for (const make of kinds) {
      const target = await make();
      if (!target) continue;
      try {
        console.log(`\n${target.label}`);
        // Warm-up: the hub's statements, JIT and the raw table.
        await sender(target, 5_000);
        await rawRun(target, 5_000);
        const runs: SenderRun[] = [];
        const raws: number[] = [];
        const rawCpu: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const e2eTurn = async () => {
            const r = await sender(target, ROWS);
            runs.push(r);
            return r;
          };
          const rawTurn = async () => {
            const r = await rawRun(target, ROWS);
            raws.push(rate(r));
            rawCpu.push((r.cpuMs / r.rows) * 1000);
            return r;
          };
          const [e, r] =
            round % 2 === 0
              ? [await e2eTurn(), await rawTurn()]
              : await (async () => {
                  const rr = await rawTurn();
                  return [await e2eTurn(), rr] as const;
                })();
          console.log(
            `  round ${round + 1}: e2e ${fmt(rate(e)).padStart(7)} rows/s (sends done at ${(e.sendMs / 1000).toFixed(1)} s with ${e.pendingAtSendEnd} batches queued, drained at ${(e.ms / 1000).toFixed(1)} s; CPU/1k rows sender ${((e.senderCpuMs / e.rows) * 1000).toFixed(1)} ms, hub ${((e.hubCpuMs / e.rows) * 1000).toFixed(1)} ms; peak RSS ${mb(e.peakRssMb)})   raw ${fmt(rate(r)).padStart(8)} rows/s (CPU/1k rows ${((r.cpuMs / r.rows) * 1000).toFixed(1)} ms${target.label.startsWith('Postgre') ? ' + server' : ''}); slowest post ${fmt(e.phases.maxPostMs)} ms${Object.keys(e.phases.failed).length ? `; POSTs failed: ${JSON.stringify(e.phases.failed)}` : ''}`,
          );
        }
        const e2e = median(runs.map(rate));
        const raw = median(raws);
        summaries.push({
          label: target.label,
          e2e,
          raw,
          runs,
          raws,
          cpu: {
            sender: median(runs.map((x) => (x.senderCpuMs / x.rows) * 1000)),
            hub: median(runs.map((x) => (x.hubCpuMs / x.rows) * 1000)),
            raw: median(rawCpu),
          },
        });
        printPhases(runs.find((r) => rate(r) === e2e)!);
        if (PROFILE) {
          const dir = join(PROFILE, target.label.startsWith('SQLite') ? 'sqlite' : 'postgres');
          mkdirSync(dir, { recursive: true });
          const r = await sender(target, ROWS, dir);
          console.log(`  profiled run: ${fmt(rate(r))} rows/s (profiles in ${dir})`);
          summarizeProfiles(dir, r.rows / 1000);
        }
        if (!memory && (!ONLY || target.label.startsWith(ONLY === 'postgres' ? 'Postgre' : 'SQLite'))) {
          memory = await sender(target, MEM_ROWS);
          console.log(
            `  memory run: ${fmt(MEM_ROWS)} rows e2e ${fmt(rate(memory))} rows/s, drained at ${(memory.ms / 1000).toFixed(1)} s`,
          );
        }
        const held = await target.hubRows();
        if (held !== target.e2eRows) {
          console.error(`  the hub holds ${held} rows of the ${target.e2eRows} sent`);
          process.exitCode = 1;
        } else console.log(`  check: the hub holds all ${fmt(held)} rows sent`);
      } finally {
        await target.close();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  // ── results ──
  console.log('\nResults (medians of the rounds; wall clock, first send() → drain() resolved)\n');
  console.log(
    '| hub | e2e rows/s | raw INSERT rows/s | e2e / raw | target ≥ 50% | CPU ms / 1k rows: sender + hub process | raw (Node process) |',
  );
  console.log('|---|---:|---:|---:|---|---:|---:|');
  for (const s of summaries) {
    const ratio = s.e2e / s.raw;
    console.log(
      `| ${s.label} | ${fmt(s.e2e)} | ${fmt(s.raw)} | ${(ratio * 100).toFixed(0)}% | ${ratio >= TARGET ? 'PASS' : 'FAIL'} | ${s.cpu.sender.toFixed(1)} + ${s.cpu.hub.toFixed(1)} | ${s.cpu.raw.toFixed(1)}${s.label.startsWith('Postgre') ? ' + server' : ''} |`,
    );
  }
  if (memory) {
    console.log(
      '\n| sender memory (child: Node + tsx + SDK) | RSS at start | peak VmRSS (50 ms samples) | VmHWM | < 200 MB |',
    );
    console.log('|---|---:|---:|---:|---|');
    const line = (label: string, peakMb: number, hwmMb: number) =>
      console.log(
        `| ${label} | ${mb(memory!.startRssMb)} | ${mb(peakMb)} | ${mb(hwmMb)} | ${Math.max(peakMb, hwmMb) < RSS_LIMIT_MB ? 'PASS' : 'FAIL'} |`,
      );
    if (memory.atMark) line(`after ${fmt(MARK)} rows sent`, memory.atMark.peakRssMb, memory.atMark.hwmMb);
    line(`${fmt(memory.rows)} rows, to drain()`, memory.peakRssMb, memory.hwmMb);
    console.log(
      `\nsender RSS / peak so far / V8 heap used / external+arrayBuffers (MB${LIVE_HEAP ? '; full GC forced at each mark' : ''}) by rows sent: ${memory.marks
        .map(
          (k) =>
            `${fmt(k.rows / 1000)}k ${k.rssMb.toFixed(0)}/${k.peakMb.toFixed(0)}/${k.heapMb.toFixed(0)}/${k.externalMb.toFixed(0)}`,
        )
        .join(', ')}; drain() resolved: peak ${memory.peakRssMb.toFixed(0)}`,
    );
  }
  console.log(
    `\nload ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  function printPhases(r: SenderRun): void {
    const p = r.phases;
    const n = Math.max(1, p.batches);
    const per = (ms: number) => `${(ms / n).toFixed(2)} ms`;
    const h = r.hub;
    const hn = Math.max(1, h.ingests);
    console.log(
      `  where the time goes (the median round, wall ms per batch of ${fmt(r.rows / n)} rows on average; the producer and delivery overlap):`,
    );
    console.log(
      `    producer  outbox.append ${per(p.appendMs)} = seal ${per(p.sealMs)} + write/fsync ${per(p.appendMs - p.sealMs)}`,
    );
    console.log(
      `    delivery  post ${per(p.deliverMs)} = readFrame ${per(p.readFrameMs)} + POST ${per(p.postMs)} + receipt verify ${per(p.deliverMs - p.readFrameMs - p.postMs)}; then acknowledge (journal line + sync, group commit) ${per(p.ackMs)}`,
    );
    console.log(
      `    hub       ingest ${(h.ingestMs / hn).toFixed(2)} ms = upsert ${(h.upsertMs / hn).toFixed(2)} ms + change log ${(h.logMs / hn).toFixed(2)} ms + verify/open/decode/txn/receipt ${((h.ingestMs - h.upsertMs - h.logMs) / hn).toFixed(2)} ms; HTTP + framework ${((p.postMs - h.ingestMs) / n).toFixed(2)} ms`,
    );
    console.log(
      `    e2e ${(r.ms / n).toFixed(2)} ms per batch; a batch on the wire ${((p.busyMs / r.ms) * 100).toFixed(0)}% of the time, ${(p.deliverMs / Math.max(1, p.busyMs)).toFixed(1)} on average while any`,
    );
  }
}

// ── profiling ────────────────────────────────────────────────────────────────────────────────────────────
async function startProfiler(): Promise<() => Promise<unknown>> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    session.disconnect();
    return profile;
  };
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * CPU per batch of each profile in `dir`: self time by place (sdk/<capability>, hub/<folder>, npm package,
 * node: module; native frames such as crypto, zlib, better-sqlite3 go to their nearest JavaScript caller's
 * place, marked [native]), the top functions, and the inclusive time of the steps of the loop.
 */
function summarizeProfiles(dir: string, batches: number): void {
  const place = (url: string): string | undefined => {
    if (!url) return undefined;
    let m = /packages\/(sdk|hub)\/src\/([^/]+)\//.exec(url);
    if (m) return `${m[1]}/${m[2]}`;
    m = /packages\/(sdk|hub)\/src\/[^/]+\.ts/.exec(url);
    if (m) return m[1];
    m = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return m[1];
    m = /^node:(?:internal\/)?([^/]+)/.exec(url);
    if (m) return `node:${m[1]}`;
    return url.includes('/bench/') ? 'bench (row generator, timers)' : url;
  };
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const prof = JSON.parse(readFileSync(join(dir, name), 'utf8')) as CpuProfile;
    const parent = new Map<number, number>();
    const byId = new Map(prof.nodes.map((n) => [n.id, n]));
    for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const label = (id: number) => {
      const f = byId.get(id)!.callFrame;
      const file = f.url.replace(/^.*\/(packages|node_modules)\//, '$1/').replace(/^file:\/\//, '');
      return `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trim();
    };
    const bucketOf = (id: number): string => {
      const f = byId.get(id)!.callFrame;
      if (f.functionName.startsWith('(')) return f.functionName; // (idle), (garbage collector), (program)
      const own = place(f.url);
      if (own) return own;
      for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
        const at = place(byId.get(p)!.callFrame.url);
        if (at) return `${at} [native]`;
      }
      return `native ${f.functionName}`;
    };
    const self = new Map<string, number>();
    const buckets = new Map<string, number>();
    const incl = new Map<string, number>();
    const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
    let total = 0;
    for (let i = 0; i < prof.samples.length; i++) {
      const dt = (prof.timeDeltas[i + 1] ?? 0) / 1000;
      total += dt;
      let id: number | undefined = prof.samples[i]!;
      add(self, label(id), dt);
      add(buckets, bucketOf(id), dt);
      const seen = new Set<string>();
      while (id !== undefined) {
        const fn = byId.get(id)!.callFrame.functionName || '(anonymous)';
        if (!seen.has(fn)) {
          seen.add(fn);
          add(incl, fn, dt);
        }
        id = parent.get(id);
      }
    }
    const who = name.startsWith('hub') ? 'hub (this process)' : 'sender (child)';
    const busy = total - (self.get('(idle)') ?? 0);
    const row = ([k, v]: [string, number]) =>
      `      ${(v / batches).toFixed(2).padStart(6)} ms  ${((v / busy) * 100).toFixed(1).padStart(5)}%  ${k}`;
    const top = (m: Map<string, number>, n: number) =>
      [...m]
        .filter(([k]) => k !== '(idle)')
        .sort((a, b) => b[1] - a[1])
        .slice(0, n);
    console.log(
      `\n  ${who}: ${name}: ${(total / 1000).toFixed(1)} s sampled, ${((busy / total) * 100).toFixed(0)}% busy = ${(busy / batches).toFixed(1)} ms CPU per 1,000 rows`,
    );
    console.log('    self CPU per 1,000 rows by place (% of busy):');
    for (const r of top(buckets, 14)) console.log(row(r));
    console.log('    self CPU per 1,000 rows by function:');
    for (const r of top(self, 12)) console.log(row(r));
    const focus = [
      ...['add', 'encodeChanges', 'seal', 'deflateRawSync', 'writeBatch', 'post', 'readFrame'],
      ...['request', 'verifyReceipt', 'acknowledge', 'ingest', 'verifyEnvelope', 'open', 'decodeBatch'],
      ...['upsertRows', 'signReceipt', 'lockForIngest', 'advance', 'record', 'certificate', 'byId'],
    ];
    console.log(
      `    inclusive CPU ms per 1,000 rows (async continuations count where they resume): ${focus
        .filter((f) => (incl.get(f) ?? 0) >= busy * 0.01)
        .map((f) => `${f} ${(incl.get(f)! / batches).toFixed(2)}`)
        .join(', ')}`,
    );
  }
}
