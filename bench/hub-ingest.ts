// Hub ingest throughput, beside the database's own speed: batches of 1,000 rows sealed as INTL envelopes
// (EC P-256) and posted over loopback HTTP in sequence (seq 0, 1, 2 …), against a raw multi-row INSERT of the
// same rows into a table of the same shape in the same database, measured in the same run, interleaved.
// Target: hub ≥ 50% of raw. The sender's seal cost is reported separately (it is not hub work).
// Run: node --import tsx bench/hub-ingest.ts [--quick] [--sqlite-only] [--in-flight N]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CHANGES_CONTENT_TYPE,
  type Change,
  encodeChanges,
  open,
  seal,
  TrustStore,
  verifyEnvelope,
  verifyReceipt,
} from '@ferry/sdk';
import { decodeBatch } from '../packages/hub/src/ingest/decode-batch.js';
import { benchPki, startBenchHub } from './support/platform.js';
import { entry, page, RESOURCE } from './support/population.js';
import {
  dropBenchSchema,
  openRawBaseline,
  type RawBaseline,
  type StoredRow,
} from './support/raw-baseline.js';

const QUICK = process.argv.includes('--quick');
function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const SQLITE_ONLY = process.argv.includes('--sqlite-only');
const ROWS = 1000;
const ROUNDS = QUICK ? 5 : 15;
const BATCHES_PER_ROUND = 8;
/** Batches of a pipelined turn: long enough that filling and emptying the window is a small part of it. */
const PIPELINED_BATCHES = 32;
/** Envelopes in flight at once in the pipelined turn (the SDK's delivery window). */
const IN_FLIGHT = Number(argValue('--in-flight') ?? 4);
const WARMUP_BATCHES = 3;
const TARGET = 0.5;
const PG_URL = process.env.FERRY_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

// ── parties ──────────────────────────────────────────────────────────────────────────────────────────────
const platform = benchPki();
const hubId = platform.hub;
const provider = platform.provider;

// ── data ─────────────────────────────────────────────────────────────────────────────────────────────────
function batch(first: number): Change[] {
  return page(first, ROWS);
}

/** The rows of a batch exactly as the hub stores them: canonical key text and encoded JSON row. */
function rawRows(changes: Change[]): StoredRow[] {
  const lines = Buffer.from(encodeChanges(changes)).toString('utf8').trimEnd().split('\n');
  return lines.map((line, i) => ({
    key: String((changes[i]!.key as { id: bigint }).id),
    row: JSON.stringify(JSON.parse(line).row),
  }));
}

// ── contenders ───────────────────────────────────────────────────────────────────────────────────────────
interface Target {
  label: string;
  url: string;
  raw: RawBaseline['insert'];
  close(): Promise<void>;
}

async function sqliteTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
  const file = join(dir, 'hub.sqlite');
  const hub = await startBenchHub(platform, { sqlite: file }, entry);
  const raw = await openRawBaseline({ sqlite: file }, ROWS);
  return {
    label: 'SQLite (file, WAL, synchronous=FULL)',
    url: hub.url,
    raw: raw.insert,
    close: async () => {
      await raw.close();
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresTarget(): Promise<Target | undefined> {
  const schema = `ferry_bench_${randomBytes(4).toString('hex')}`;
  let raw: RawBaseline;
  try {
    raw = await openRawBaseline({ url: PG_URL, schema }, ROWS);
  } catch (err) {
    console.log(
      `\nPostgreSQL not reachable at ${PG_URL} (${(err as Error).message}): skipped. Start it with`,
    );
    console.log('  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start');
    return undefined;
  }
  const hub = await startBenchHub(platform, { url: PG_URL, schema }, entry);
  return {
    label: 'PostgreSQL 127.0.0.1 (default settings)',
    url: hub.url,
    raw: raw.insert,
    close: async () => {
      await hub.close();
      await raw.close();
      await dropBenchSchema(PG_URL, schema);
    },
  };
}

// ── measurement ──────────────────────────────────────────────────────────────────────────────────────────
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const rate = (rows: number, ms: number) => Math.round((rows / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');

async function run(target: Target): Promise<void> {
  let seq = 0;
  let nextKey = 1;
  let rawKey = 1;
  const trust = TrustStore.fromPem(platform.caPem);

  const sealBatch = async () => {
    const changes = batch(nextKey);
    nextKey += ROWS;
    const t = performance.now();
    const frame = await seal({
      from: provider,
      to: hubId.certificate,
      resource: RESOURCE,
      stream: { epoch: 1, seq: seq++ },
      bytes: encodeChanges(changes),
      contentType: CHANGES_CONTENT_TYPE,
    });
    return { frame, sealMs: performance.now() - t };
  };
  const postBatch = async (frame: Uint8Array) => {
    const t = performance.now();
    const res = await fetch(`${target.url}/v1/envelopes`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ferry.envelope' },
      body: frame,
    });
    const body = await res.json();
    const ms = performance.now() - t;
    if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(body)}`);
    return { ms, receipt: body };
  };
  const rawBatch = async () => {
    const rows = rawRows(batch(rawKey));
    rawKey += ROWS;
    const t = performance.now();
    await target.raw(rows, seq);
    return performance.now() - t;
  };

  for (let i = 0; i < WARMUP_BATCHES; i++) {
    await postBatch((await sealBatch()).frame);
    await rawBatch();
  }
  const hubRates: number[] = [];
  const pipelinedRates: number[] = [];
  const lastFrames: Uint8Array[] = [];
  const rawRates: number[] = [];
  const sealRates: number[] = [];
  let lastReceipt: unknown;
  for (let round = 0; round < ROUNDS; round++) {
    // Sequential: one envelope at a time, each waiting for the previous receipt.
    const hubTurn = async () => {
      const sealed: { frame: Uint8Array; sealMs: number }[] = [];
      for (let b = 0; b < BATCHES_PER_ROUND; b++) sealed.push(await sealBatch());
      lastFrames.splice(0, lastFrames.length, ...sealed.map((s) => s.frame));
      sealRates.push(
        rate(
          ROWS * BATCHES_PER_ROUND,
          sealed.reduce((s, x) => s + x.sealMs, 0),
        ),
      );
      let ms = 0;
      for (const { frame } of sealed) {
        const r = await postBatch(frame);
        ms += r.ms;
        lastReceipt = r.receipt;
      }
      hubRates.push(rate(ROWS * BATCHES_PER_ROUND, ms));
    };
    // Pipelined: up to IN_FLIGHT envelopes of the stream in flight, sent in seq order, as the SDK delivers.
    const pipelinedTurn = async () => {
      const frames: Uint8Array[] = [];
      for (let b = 0; b < PIPELINED_BATCHES; b++) frames.push((await sealBatch()).frame);
      const t = performance.now();
      const inFlight = new Set<Promise<unknown>>();
      for (const frame of frames) {
        if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
        const p: Promise<unknown> = postBatch(frame).then((r) => {
          lastReceipt = r.receipt;
          inFlight.delete(p);
        });
        inFlight.add(p);
      }
      await Promise.all(inFlight);
      pipelinedRates.push(rate(ROWS * frames.length, performance.now() - t));
    };
    const rawTurn = async () => {
      let ms = 0;
      for (let b = 0; b < BATCHES_PER_ROUND; b++) ms += await rawBatch();
      rawRates.push(rate(ROWS * BATCHES_PER_ROUND, ms));
    };
    // Alternate who goes first, so neither always meets a warm or a cold cache.
    if (round % 2 === 0) {
      await hubTurn();
      await pipelinedTurn();
      await rawTurn();
    } else {
      await rawTurn();
      await pipelinedTurn();
      await hubTurn();
    }
  }
  const receipt = verifyReceipt(lastReceipt, { trust, hub: 'HUB01' });
  if (receipt.rows !== ROWS) throw new Error('the last receipt does not acknowledge the batch');
  const hubRate = median(hubRates);
  const pipelinedRate = median(pipelinedRates);
  const rawRate = median(rawRates);
  const verdict = (r: number) =>
    `${((r / rawRate) * 100).toFixed(0).padStart(3)}%  ${r / rawRate >= TARGET ? 'PASS' : 'FAIL'}`;
  console.log(`\n${target.label}`);
  console.log(
    `  contender                                                  rows/s   vs raw (target ≥ ${TARGET * 100}%)`,
  );
  console.log(`  raw multi-row INSERT of the same rows                   ${fmt(rawRate).padStart(9)}   100%`);
  console.log(
    `  hub ingest, ${IN_FLIGHT} envelopes in flight (the SDK's window)      ${fmt(pipelinedRate).padStart(9)}   ${verdict(pipelinedRate)}`,
  );
  console.log(
    `  hub ingest, one envelope at a time                      ${fmt(hubRate).padStart(9)}   ${verdict(hubRate)}`,
  );
  console.log(
    `  sender seal (INTL, EC P-256, deflate), not included     ${fmt(median(sealRates)).padStart(9)}`,
  );
  // Where a hub batch's time goes, measured on the last frames in this process; the rest is HTTP and the database.
  const phase = { verify: [] as number[], open: [] as number[], decode: [] as number[] };
  const keyItems = [{ name: 'id', dataType: 'integer' as const, column: 'k_0' }];
  for (let i = 0; i < 3; i++) {
    for (const frame of lastFrames) {
      let t = performance.now();
      await verifyEnvelope(frame, { trust });
      phase.verify.push(performance.now() - t);
      t = performance.now();
      const opened = await open(frame, { trust, me: hubId });
      phase.open.push(performance.now() - t);
      t = performance.now();
      decodeBatch(opened.content, keyItems);
      phase.decode.push(performance.now() - t);
    }
  }
  const ms = (xs: number[]) => median(xs).toFixed(1);
  const hubMs = ((ROWS / hubRate) * 1000).toFixed(1);
  const rawMs = ((ROWS / rawRate) * 1000).toFixed(1);
  console.log(
    `  per batch: hub ${hubMs} ms, of which verify ${ms(phase.verify)} + open ${ms(phase.open)} + decode ${ms(phase.decode)}, the rest HTTP and database; raw INSERT ${rawMs} ms`,
  );
}

console.log(
  `hub ingest: ${ROWS} rows per envelope, ${ROUNDS} rounds of ${BATCHES_PER_ROUND} batches one at a time, ${PIPELINED_BATCHES} pipelined (${IN_FLIGHT} in flight) and ${BATCHES_PER_ROUND} raw, medians; Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
);
for (const make of SQLITE_ONLY ? [sqliteTarget] : [sqliteTarget, postgresTarget]) {
  const target = await make();
  if (!target) continue;
  try {
    await run(target);
  } finally {
    await target.close();
  }
}
