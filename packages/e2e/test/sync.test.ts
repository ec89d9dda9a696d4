// The sending and receiving sides of sync against a real hub on loopback.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Change, Decimal, FerryClient, type FerryClientOptions } from '@ferry/sdk';
import knex, { type Knex } from 'knex';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEPT, type Platform, RESOURCE, reachablePostgres, startPlatform } from './support/platform.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ferry-client-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const change = (id: number, name = `name-${id}`): Change => ({
  op: 'upsert',
  key: { id: BigInt(id) },
  row: { id: BigInt(id), name, amount: new Decimal(`${id}.1234567890`) },
});

function clientOptions(
  platform: Platform,
  storageDir: string,
  extra: Partial<FerryClientOptions> = {},
): FerryClientOptions {
  return {
    hubUrl: platform.url,
    identity: platform.pki.provider,
    trust: platform.pki.trust,
    storageDir,
    batch: { maxRows: 200, maxAgeMs: 50 },
    delivery: { pauseMs: 100, pollMs: 20, minTimeoutMs: 20, maxTimeoutMs: 100, retriesPerRound: 2 },
    retries: 1,
    ...extra,
  };
}

function receiptsIn(storageDir: string): number {
  const streams = join(storageDir, 'outbox', 'streams');
  let n = 0;
  for (const s of readdirSync(streams)) {
    const text = readFileSync(join(streams, s, 'receipts.ndjson'), 'utf8');
    n += text.split('\n').filter(Boolean).length;
  }
  return n;
}

describe('sync with a SQLite hub', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ kind: 'sqlite' });
  });
  afterAll(async () => {
    await platform?.close();
  });
  afterEach(async () => {
    await platform.restart();
  });

  it('sends changes through the outbox and keeps a verified receipt per batch', async () => {
    const storage = tempDir();
    const client = await FerryClient.connect(clientOptions(platform, storage));
    await client.send(
      RESOURCE,
      Array.from({ length: 1000 }, (_, i) => change(i)),
    );
    await client.drain(20_000);
    const status = client.status();
    expect(status.streams[0]).toMatchObject({ resource: RESOURCE, pendingBatches: 0, delivered: 5 });
    await client.close();
    expect(receiptsIn(storage)).toBe(5);
    const rows = await platform.rows();
    expect(rows.filter((r) => r.sender === DEPT.provider)).toHaveLength(1000);
    const one = JSON.parse(rows.find((r) => r.row.includes('"name-7"'))!.row);
    expect(one.amount).toEqual({ $dec: '7.1234567890' });
  });

  it('keeps changes in the outbox while the hub is down and delivers them when it returns', async () => {
    const storage = tempDir();
    const client = await FerryClient.connect(clientOptions(platform, storage));
    await platform.stop();
    await client.send(
      RESOURCE,
      Array.from({ length: 400 }, (_, i) => change(10_000 + i)),
    );
    await client.flush();
    await new Promise((r) => setTimeout(r, 300));
    const waiting = client.status().streams.find((s) => s.resource === RESOURCE)!;
    expect(waiting.pendingBatches).toBe(2);
    expect(waiting.lastError?.code).toBe('FERRY_HTTP_TRANSIENT');
    await platform.restart();
    await client.drain(20_000);
    await client.close();
    const rows = await platform.rows();
    const ids = rows.map((r) => Number(JSON.parse(r.row).id.$int));
    expect(ids.filter((id) => id >= 10_000 && id < 10_400)).toHaveLength(400);
  });

  it('a client restarted on the same storage sends what the previous one left, once', async () => {
    const storage = tempDir();
    const first = await FerryClient.connect(clientOptions(platform, storage, { deliver: false }));
    await first.send(
      RESOURCE,
      Array.from({ length: 300 }, (_, i) => change(20_000 + i, 'first')),
    );
    await first.close(); // flushes into the outbox, delivers nothing
    const before = (await platform.rows()).length;
    const second = await FerryClient.connect(clientOptions(platform, storage));
    await second.drain(20_000);
    await second.close();
    expect((await platform.rows()).length).toBe(before + 300);
    expect(receiptsIn(storage)).toBe(2);
  });

  it('a full resnapshot replaces the sender rows when it ends, and consumers see the deletes', async () => {
    const fresh = await startPlatform({ kind: 'sqlite' });
    try {
      const sender = await FerryClient.connect(clientOptions(fresh, tempDir()));
      await sender.send(
        RESOURCE,
        Array.from({ length: 10 }, (_, i) => change(i + 1)),
      );
      await sender.drain(20_000);
      async function* snapshot() {
        yield Array.from({ length: 4 }, (_, i) => change(i + 5, 'snap')); // 5..8
        yield Array.from({ length: 4 }, (_, i) => change(i + 9, 'snap')); // 9..12
      }
      await sender.resnapshot(RESOURCE, snapshot());
      await sender.drain(20_000);
      await sender.close();
      const ids = (await fresh.rows()).map((r) => Number(JSON.parse(r.row).id.$int)).sort((a, b) => a - b);
      expect(ids).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);

      const consumer = await FerryClient.connect({
        ...clientOptions(fresh, tempDir()),
        identity: fresh.pki.consumer,
      });
      const seen: Change[] = [];
      const ac = new AbortController();
      const guard = setTimeout(() => ac.abort(), 15_000);
      await consumer.subscribe(
        RESOURCE,
        (changes) => {
          seen.push(...changes);
          if (seen.filter((c) => c.op === 'delete').length >= 4) ac.abort();
        },
        { signal: ac.signal, intervalMs: 20 },
      );
      clearTimeout(guard);
      await consumer.close();
      const deleted = seen.filter((c) => c.op === 'delete').map((c) => c.key.id);
      expect(deleted.sort()).toEqual([1n, 2n, 3n, 4n]);
    } finally {
      await fresh.close();
    }
  });

  it('a consumer subscription receives changes after its checkpoint; a failing handler gets them again', async () => {
    const sender = await FerryClient.connect(clientOptions(platform, tempDir()));
    await sender.send(RESOURCE, [change(1, 'updated-again'), { op: 'delete', key: { id: 2n } }]);
    await sender.drain(20_000);
    await sender.close();

    const consumerStorage = tempDir();
    const consumer = await FerryClient.connect({
      ...clientOptions(platform, consumerStorage),
      identity: platform.pki.consumer,
    });
    const seen: Change[] = [];
    let failures = 0;
    const ac = new AbortController();
    const guard = setTimeout(() => ac.abort(), 15_000);
    await consumer.subscribe(
      RESOURCE,
      async (changes) => {
        if (failures === 0) {
          failures++;
          throw new Error('the consumer database is briefly down');
        }
        seen.push(...changes);
        if (seen.some((c) => c.op === 'delete')) ac.abort();
      },
      { signal: ac.signal, intervalMs: 20, limit: 500, onError: () => {} },
    );
    clearTimeout(guard);
    await consumer.close();
    expect(failures).toBe(1);
    const deletes = seen.filter((c) => c.op === 'delete');
    expect(deletes).toEqual([{ op: 'delete', key: { id: 2n } }]);
    const updated = seen.find((c) => c.op === 'upsert' && c.row.name === 'updated-again');
    expect(updated).toBeDefined();

    // A new subscription on the same storage starts after the saved checkpoint: nothing old again.
    const again = await FerryClient.connect({
      ...clientOptions(platform, consumerStorage),
      identity: platform.pki.consumer,
    });
    const later: Change[] = [];
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 300);
    await again.subscribe(RESOURCE, (changes) => void later.push(...changes), {
      signal: ac2.signal,
      intervalMs: 20,
    });
    await again.close();
    expect(later).toEqual([]);
  });
});

describe('the transactional outbox in a PostgreSQL business database', async () => {
  const url = await reachablePostgres();
  let platform: Platform;
  let db: Knex;
  const table = `ferry_outbox_${process.pid}`;
  beforeAll(async () => {
    if (!url) return;
    platform = await startPlatform({ kind: 'sqlite' });
    db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 4 } });
  });
  afterAll(async () => {
    if (!url) return;
    await db.schema.dropTableIfExists(table);
    await db.schema.dropTableIfExists(`${table}_permits`);
    await db.destroy();
    await platform.close();
  });

  it.skipIf(!url)('sends a committed business write and nothing of a rolled-back one', async () => {
    const client = await FerryClient.connect(clientOptions(platform, tempDir()));
    const txo = client.transactionalOutbox(db, { table });
    await txo.migrate();
    await db.schema.createTable(`${table}_permits`, (t) => {
      t.bigInteger('id').primary();
      t.string('name');
    });
    await db.transaction(async (trx) => {
      await trx(`${table}_permits`).insert({ id: 900001, name: 'committed' });
      await txo.enqueue(trx, RESOURCE, [change(900001, 'committed')]);
    });
    await db
      .transaction(async (trx) => {
        await trx(`${table}_permits`).insert({ id: 900002, name: 'rolled back' });
        await txo.enqueue(trx, RESOURCE, [change(900002, 'rolled back')]);
        throw new Error('business rule failed');
      })
      .catch(() => {});
    expect(await txo.relay()).toBe(1);
    expect(await db(table).count({ n: '*' })).toEqual([{ n: '0' }]);
    await client.drain(20_000);
    await client.close();
    const rows = (await platform.rows()).map((r) => JSON.parse(r.row).name);
    expect(rows).toContain('committed');
    expect(rows).not.toContain('rolled back');
  });
});
