// Windowed delivery against a real hub on loopback, through a small HTTP relay that counts the envelopes on
// the wire and can hold one back (so the next ones overtake it, as on a real network).
import { mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Change, Decimal, FerryClient, type FerryClientOptions } from '@ferry/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { DEPT, type Platform, RESOURCE, startPlatform } from './support/platform.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ferry-window-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const change = (id: number): Change => ({
  op: 'upsert',
  key: { id: BigInt(id) },
  row: { id: BigInt(id), name: `行-${id}`, amount: new Decimal(`${id}.5`) },
});

interface Relay {
  url: string;
  /** Most envelope POSTs on the wire at once. */
  maxConcurrent: number;
  /** Status codes of the envelope POSTs, in the order answered. */
  statuses: number[];
  /** Hold the next envelope POST this long before passing it on. */
  holdNext(ms: number): void;
  close(): Promise<void>;
}

async function relay(target: () => string): Promise<Relay> {
  let current = 0;
  let hold = 0;
  const state = { maxConcurrent: 0, statuses: [] as number[] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const envelope = req.method === 'POST' && req.url === '/v1/envelopes';
      if (envelope) {
        current++;
        state.maxConcurrent = Math.max(state.maxConcurrent, current);
      }
      const wait = envelope ? hold : 0;
      if (envelope) hold = 0;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const up = new URL(target());
      const forward = http.request(
        { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', () => {
            if (envelope) {
              current--;
              state.statuses.push(answer.statusCode ?? 0);
            }
          });
        },
      );
      forward.on('error', () => {
        if (envelope) current--;
        res.destroy();
      });
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get maxConcurrent() {
      return state.maxConcurrent;
    },
    statuses: state.statuses,
    holdNext(ms) {
      hold = ms;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function options(
  url: string,
  platform: Platform,
  storageDir: string,
  extra: Partial<FerryClientOptions> = {},
) {
  return {
    hubUrl: url,
    identity: platform.pki.provider,
    trust: platform.pki.trust,
    storageDir,
    batch: { maxRows: 50, maxAgeMs: 20 },
    delivery: { pauseMs: 100, pollMs: 20, minTimeoutMs: 20, maxTimeoutMs: 100, retriesPerRound: 2 },
    retries: 1,
    ...extra,
  } satisfies FerryClientOptions;
}

/** Fills an outbox without delivering: `batches` batches of 50 rows from `first`. */
async function queued(platform: Platform, storage: string, first: number, batches: number): Promise<void> {
  const filler = await FerryClient.connect(options(platform.url, platform, storage, { deliver: false }));
  await filler.send(
    RESOURCE,
    Array.from({ length: batches * 50 }, (_, i) => change(first + i)),
  );
  await filler.close();
}

/** The seqs of a storage's receipt journal, in the order written. */
function journalSeqs(storage: string): number[] {
  const streams = join(storage, 'outbox', 'streams');
  return readdirSync(streams).flatMap((s) =>
    readFileSync(join(streams, s, 'receipts.ndjson'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l).seq as number),
  );
}

async function idsFrom(platform: Platform, first: number, count: number): Promise<number[]> {
  return (await platform.rows())
    .filter((r) => r.sender === DEPT.provider)
    .map((r) => Number(JSON.parse(r.row).id.$int))
    .filter((id) => id >= first && id < first + count);
}

describe('windowed delivery (SQLite hub, reordering wait as configured by default)', () => {
  let platform: Platform;
  let wire: Relay;
  afterAll(async () => {
    await wire?.close();
    await platform?.close();
  });

  it('keeps up to maxInFlight envelopes on the wire and acknowledges them in stream order', async () => {
    platform = await startPlatform({ kind: 'sqlite' });
    wire = await relay(() => platform.url);
    const storage = tempDir();
    await queued(platform, storage, 0, 24);
    const client = await FerryClient.connect(
      options(wire.url, platform, storage, {
        delivery: { ...options(wire.url, platform, storage).delivery, maxInFlight: 3 },
      }),
    );
    await client.drain(30_000);
    expect(client.status().streams[0]).toMatchObject({ pendingBatches: 0, delivered: 24, stopped: false });
    await client.close();
    expect(wire.maxConcurrent).toBeGreaterThan(1);
    expect(wire.maxConcurrent).toBeLessThanOrEqual(3);
    expect(journalSeqs(storage)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(await idsFrom(platform, 0, 1200)).toHaveLength(1200);
    expect(await platform.appliedChanges(DEPT.provider)).toBe(1200);
  });

  it('lets later envelopes overtake a slow one: the hub holds them, nothing is refused or sent twice', async () => {
    const storage = tempDir();
    await queued(platform, storage, 10_000, 8);
    const before = wire.statuses.length;
    wire.holdNext(300);
    const client = await FerryClient.connect(options(wire.url, platform, storage));
    await client.drain(30_000);
    await client.close();
    expect(wire.statuses.slice(before)).toEqual(Array.from({ length: 8 }, () => 200));
    expect(journalSeqs(storage)).toEqual(Array.from({ length: 8 }, (_, i) => i));
    expect(await idsFrom(platform, 10_000, 400)).toHaveLength(400);
  });

  it('stops the stream when the oldest unacknowledged batch is answered with a gap', async () => {
    const storage = tempDir();
    await queued(platform, storage, 20_000, 3);
    // A batch lost from the outbox (restored from an old backup, say): the hub never saw seq 0.
    const streams = join(storage, 'outbox', 'streams');
    const [sid] = readdirSync(streams);
    const batches = join(streams, sid!, 'batches');
    unlinkSync(join(batches, readdirSync(batches).sort()[0]!));
    const client = await FerryClient.connect(options(wire.url, platform, storage));
    await client.drain(10_000);
    const stream = client.status().streams[0]!;
    expect(stream).toMatchObject({ stopped: true, pendingBatches: 2, delivered: 0 });
    expect(stream.lastError?.code).toBe('FERRY_DELIVERY_STOPPED');
    expect(stream.lastError?.message).toMatch(/expects seq 0/);
    await client.close();
    expect(await idsFrom(platform, 20_000, 150)).toHaveLength(0);
  });

  it('drain fails when no batch is acknowledged for its timeout, not after a total time', async () => {
    const storage = tempDir();
    await queued(platform, storage, 30_000, 2);
    const live = await FerryClient.connect(
      options(wire.url, platform, storage, {
        delivery: { pauseMs: 10_000, pollMs: 20, minTimeoutMs: 20, maxTimeoutMs: 50, retriesPerRound: 1 },
      }),
    );
    await live.drain(10_000);
    // The hub goes away: the next batch cannot be delivered, and drain gives up after 400 ms without progress.
    await platform.stop();
    await live.send(
      RESOURCE,
      Array.from({ length: 50 }, (_, i) => change(30_100 + i)),
    );
    const started = Date.now();
    const err = await live.drain(400).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FERRY_HTTP_TRANSIENT' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect(Date.now() - started).toBeLessThan(3000);
    await platform.restart();
    live.resumeDelivery(RESOURCE);
    await live.drain(10_000);
    await live.close();
    expect(await idsFrom(platform, 30_000, 150)).toHaveLength(150);
  });
});

describe('windowed delivery against a hub that does not wait for stragglers', () => {
  let platform: Platform;
  let wire: Relay;
  afterAll(async () => {
    await wire?.close();
    await platform?.close();
  });

  it('sends again from the oldest unacknowledged batch when one that overtook it is refused as a gap', async () => {
    platform = await startPlatform(
      { kind: 'sqlite' },
      {
        configure: (config) => {
          config.envelopes = { ...config.envelopes, reorder: { waitMs: 0, maxHeld: 0 } };
        },
      },
    );
    wire = await relay(() => platform.url);
    const storage = tempDir();
    await queued(platform, storage, 0, 12);
    wire.holdNext(300);
    const client = await FerryClient.connect(options(wire.url, platform, storage));
    await client.drain(30_000);
    const stream = client.status().streams[0]!;
    expect(stream).toMatchObject({ pendingBatches: 0, delivered: 12, stopped: false });
    await client.close();
    // Batches 1-3 overtook batch 0 and were refused; they were sent again and applied once.
    expect(wire.statuses.filter((s) => s === 409).length).toBeGreaterThan(0);
    expect(journalSeqs(storage)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(await idsFrom(platform, 0, 600)).toHaveLength(600);
    expect(await platform.appliedChanges(DEPT.provider)).toBe(600);
  });
});
