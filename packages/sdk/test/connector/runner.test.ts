import { describe, expect, it } from 'vitest';
import { type Change, ChangeEncoder, encodedChanges, withEncodedChanges } from '../../src/changes/index.js';
import type { ChangeBatch } from '../../src/connector/index.js';
import {
  type ConnectorEvent,
  ConnectorMetrics,
  preflightConnector,
  runConnector,
} from '../../src/connector/index.js';
import { isFerryError } from '../../src/errors/index.js';
import { MemorySink } from './helpers/memory-sink.js';
import { MemorySource } from './helpers/memory-source.js';

const tables = [{ table: 't', resource: 'R1', strategy: { kind: 'changelog' as const } }];

function seeded(n: number): MemorySource {
  const source = new MemorySource();
  for (let i = 1; i <= n; i++) source.insert(i);
  return source;
}

const ids = (sink: MemorySink) => sink.changes('R1').map((c) => `${c.op}:${c.key.id}`);

describe('runConnector', () => {
  it('snapshots in chunks framed begin/continue/end, then continues from the watermark', async () => {
    const source = seeded(25);
    const sink = new MemorySink();
    await runConnector({ source, sink, tables, batchSize: 10, once: true });
    expect(sink.batches.map((b) => [b.snapshot, b.changes.length])).toEqual([
      ['begin', 10],
      ['continue', 10],
      ['end', 5],
    ]);
    source.update(3, 'x');
    source.delete(4);
    await runConnector({ source, sink, tables, batchSize: 10, once: true });
    expect(
      sink.batches.slice(3).map((b) => [b.snapshot, b.changes.map((c) => `${c.op}:${c.key.id}`)]),
    ).toEqual([[undefined, ['upsert:3', 'delete:4']]]);
  });

  it('frames a one-chunk snapshot as begin plus an empty end', async () => {
    const sink = new MemorySink();
    await runConnector({ source: seeded(3), sink, tables, batchSize: 10, once: true });
    expect(sink.batches.map((b) => [b.snapshot, b.changes.length])).toEqual([
      ['begin', 3],
      ['end', 0],
    ]);
  });

  it('loses nothing when changes happen during the snapshot (the overlap is re-sent)', async () => {
    const source = seeded(30);
    const sink = new MemorySink();
    let writes = 0;
    const racing = {
      cursor: (r: string) => sink.cursor(r),
      async write(b: Parameters<MemorySink['write']>[0]) {
        await sink.write(b);
        if (++writes === 1) {
          source.update(2, 'changed-behind-the-snapshot');
          source.insert(31);
        }
      },
    };
    await runConnector({ source, sink: racing, tables, batchSize: 10, once: true });
    const last = new Map(sink.changes('R1').map((c) => [c.key.id, c.op === 'upsert' ? c.row.v : null]));
    expect(last.get(2)).toBe('changed-behind-the-snapshot');
    expect(last.get(31)).toBe('v31');
  });

  it('resumes after a crash from the cursor the sink holds, with no row lost and none repeated', async () => {
    const source = seeded(25);
    const sink = new MemorySink();
    sink.failAt = 2;
    await expect(runConnector({ source, sink, tables, batchSize: 4, once: true })).rejects.toThrow(
      /simulated crash/,
    );
    sink.failAt = undefined;
    await runConnector({ source, sink, tables, batchSize: 4, once: true });
    expect(sink.batches.map((b) => b.snapshot)).toEqual([
      'begin',
      'continue',
      'continue',
      'continue',
      'continue',
      'continue',
      'end',
    ]);
    expect(ids(sink)).toEqual(Array.from({ length: 25 }, (_, i) => `upsert:${i + 1}`));
  });

  it('fails on a cursor that does not decode, by default', async () => {
    const sink = new MemorySink();
    sink.cursors.set('R1', 'garbage!');
    const events: ConnectorEvent[] = [];
    const err = await runConnector({
      source: seeded(3),
      sink,
      tables,
      once: true,
      onEvent: (e) => events.push(e),
    }).catch((e) => e);
    expect(isFerryError(err, 'FERRY_CURSOR_INVALID')).toBe(true);
    expect(sink.batches).toEqual([]);
    expect(events.some((e) => e.type === 'cursor-invalid' && e.action === 'fail')).toBe(true);
  });

  it('resnapshots on an expired cursor when configured to', async () => {
    const source = seeded(5);
    const sink = new MemorySink();
    await runConnector({ source, sink, tables, once: true });
    source.insert(6);
    source.purgedThrough = source.log.length; // entry 6 purged before it was read
    const events: ConnectorEvent[] = [];
    await runConnector({
      source,
      sink,
      tables,
      once: true,
      onInvalidCursor: 'resnapshot',
      onEvent: (e) => events.push(e),
    });
    expect(events.find((e) => e.type === 'snapshot-started')).toMatchObject({ reason: 'resnapshot' });
    const second = sink.batches.slice(2);
    expect(second[0]!.snapshot).toBe('begin');
    expect(second.flatMap((b) => b.changes).map((c) => c.key.id)).toContain(6);
  });

  it('reports an expired cursor as FERRY_CURSOR_EXPIRED when not resnapshotting', async () => {
    const source = seeded(2);
    const sink = new MemorySink();
    await runConnector({ source, sink, tables, once: true });
    source.purgedThrough = 99;
    await expect(runConnector({ source, sink, tables, once: true })).rejects.toMatchObject({
      code: 'FERRY_CURSOR_EXPIRED',
    });
  });

  it('retries transient errors with back-off and reports them', async () => {
    const source = seeded(3);
    source.failReads = 2;
    const sink = new MemorySink();
    const metrics = new ConnectorMetrics();
    const events: ConnectorEvent[] = [];
    const controller = new AbortController();
    const run = runConnector({
      source,
      sink,
      tables,
      metrics,
      signal: controller.signal,
      pollIntervalMs: 5,
      retry: { initialMs: 5, maxMs: 10 },
      onEvent: (e) => events.push(e),
      onHeartbeat: () => controller.abort(),
    });
    await run;
    expect(events.filter((e) => e.type === 'error')).toHaveLength(2);
    expect(ids(sink)).toEqual(['upsert:1', 'upsert:2', 'upsert:3']);
    const t = metrics.snapshot().tables[0]!;
    expect(t).toMatchObject({ resource: 'R1', phase: 'incremental', errors: 2, rowsCaptured: 3 });
    expect(t.lagMs).toBeGreaterThanOrEqual(0);
  });

  it('polls until aborted, calling the heartbeat when idle', async () => {
    const source = seeded(1);
    const sink = new MemorySink();
    const controller = new AbortController();
    let beats = 0;
    await runConnector({
      source,
      sink,
      tables,
      signal: controller.signal,
      pollIntervalMs: 5,
      onHeartbeat: () => {
        beats++;
        if (beats === 1) source.insert(2);
        if (beats === 2) controller.abort();
      },
    });
    expect(ids(sink)).toEqual(['upsert:1', 'upsert:2']);
  });

  it('reports a changed table shape and carries the new columns', async () => {
    const source = seeded(2);
    const sink = new MemorySink();
    await runConnector({ source, sink, tables, once: true });
    source.columns = ['id', 'v', 'extra'];
    source.update(1, 'again');
    const events: ConnectorEvent[] = [];
    await runConnector({ source, sink, tables, once: true, onEvent: (e) => events.push(e) });
    expect(events.find((e) => e.type === 'schema-changed')).toMatchObject({ added: ['extra'], removed: [] });
    const last = sink.batches.at(-1)!.changes[0]!;
    expect(last.op === 'upsert' && Object.keys(last.row)).toEqual(['id', 'v', 'extra']);
    source.columns = ['id', 'w'];
    const checks = await preflightConnector({ source, sink, tables });
    expect(checks.find((c) => c.check === 'schema-changed')?.message).toMatch(
      /no longer has `v`, `extra` and now has `w`/,
    );
  });

  it('passes changes that travel encoded on to the sink without decoding them', async () => {
    // A source that encodes its reads (as the SQL framework does until a sink reads change objects).
    const source = seeded(25);
    let decodes = 0;
    const encode = <T extends { changes: readonly Change[] }>(read: T) => {
      const encoder = new ChangeEncoder();
      for (const c of read.changes) encoder.add(c);
      const { changes: _, ...rest } = read;
      return withEncodedChanges(rest, encoder.finish(), () => decodes++);
    };
    const snapshot = source.snapshot.bind(source);
    source.snapshot = async function* (t, o) {
      for await (const chunk of snapshot(t, o)) yield encode(chunk);
    };
    const changes = source.changes.bind(source);
    source.changes = async (t, p, o) => encode(await changes(t, p, o));
    const received: { encoded: boolean; count: number | undefined }[] = [];
    const batches: ChangeBatch[] = [];
    const sink = {
      cursors: new Map<string, string>(),
      async write(b: ChangeBatch) {
        received.push({ encoded: encodedChanges(b) !== undefined, count: encodedChanges(b)?.count });
        batches.push(b);
        this.cursors.set(b.resource, b.cursor);
      },
      async cursor(r: string) {
        return this.cursors.get(r);
      },
    };
    const metrics = new ConnectorMetrics();
    const events: ConnectorEvent[] = [];
    await runConnector({
      source,
      sink,
      tables,
      batchSize: 10,
      once: true,
      metrics,
      onEvent: (e) => events.push(e),
    });
    source.update(3, 'x');
    source.delete(4);
    await runConnector({ source, sink, tables, batchSize: 10, once: true, metrics });
    expect(received).toEqual([
      { encoded: true, count: 10 },
      { encoded: true, count: 10 },
      { encoded: true, count: 5 },
      { encoded: true, count: 2 },
    ]);
    expect(decodes).toBe(0);
    expect(metrics.rowsCaptured).toBe(27);
    expect(events.filter((e) => e.type === 'batch').map((e) => e.type === 'batch' && e.changes)).toEqual([
      10, 10, 5,
    ]);
    expect(batches.flatMap((b) => b.changes).map((c) => `${c.op}:${c.key.id}`)).toEqual([
      ...Array.from({ length: 25 }, (_, i) => `upsert:${i + 1}`),
      'upsert:3',
      'delete:4',
    ]);
    expect(decodes).toBe(4);
  });

  it('rejects two tables sending the same resource', async () => {
    await expect(
      runConnector({ source: seeded(1), sink: new MemorySink(), tables: [...tables, ...tables], once: true }),
    ).rejects.toMatchObject({
      code: 'FERRY_CONFIG_INVALID',
    });
  });
});
