// The conformance suite every SQL connector runs against a real server: one suite, looped over dialects.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeChanges,
  encodeChanges,
  encodedChanges,
  type FerryRecord,
  type FerryValue,
} from '@ferry/sdk/changes';
import {
  type ChangeBatch,
  type ConnectorEvent,
  preflightConnector,
  runConnector,
  type SqlSource,
  type StrategyConfig,
  type TableConfig,
} from '@ferry/sdk/connector';
import { isFerryError } from '@ferry/sdk/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySink } from './memory-sink.js';

/** SQL that differs between databases, for the suite's own tables. */
export interface ConformanceSql {
  /** An auto-generated integer primary key column type, e.g. `bigserial PRIMARY KEY`. */
  serialKey: string;
  /** A 64-bit integer. */
  bigint: string;
  /** Unbounded text. */
  text: string;
  /** A date-time with microseconds, for `updated_at`. */
  timestamp: string;
  /** The database clock with microseconds, in the zone and type of {@link ConformanceSql.timestamp}. */
  now: string;
  /** Drops a table if it exists. */
  dropTable(name: string): string;
  /** A table exercising type fidelity: column DDL, one insert, and the values Ferry must read back. */
  typeRoundTrip: { columns: string; insert(table: string): string; expected: FerryRecord };
  /** True when `TRUNCATE` is captured by the changelog strategy (PostgreSQL). */
  logsTruncate: boolean;
}

/** What a connector's test passes to {@link testSqlConnector}. */
export interface SqlConnectorHarness {
  /** Connector name, in test titles. */
  name: string;
  /** Where the server is expected, for the skip message, e.g. `PostgreSQL at 127.0.0.1:5432`. */
  server: string;
  /** How to start it, for the skip message. */
  startHint: string;
  /** A new source on the test database (a new "process" each call). */
  connect(options?: { schemaRefreshMs?: number }): SqlSource;
  sql: ConformanceSql;
}

const LAG_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const keyText = (key: FerryRecord) => String(key.id ?? JSON.stringify(key));

/**
 * Registers the conformance tests for a SQL connector: change capture per strategy (what each sees and
 * misses), late commits, crash and restart without loss, unusable cursors, type fidelity, tables without
 * a primary key, and changed table shapes. Runs against the real server; when it is unreachable the suite
 * fails under `CI` and is skipped with a message saying how to start it otherwise.
 *
 * @example
 * ```ts
 * await testSqlConnector({ name: 'postgres', server: 'PostgreSQL at 127.0.0.1:5432', startHint: 'bash .ci/run',
 *   connect: () => postgres({ connection: URL }), sql: postgresSql });
 * ```
 */
export async function testSqlConnector(harness: SqlConnectorHarness): Promise<void> {
  const probe = harness.connect();
  let unreachable: string | undefined;
  try {
    await (await probe.db()).query('SELECT 1');
  } catch (err) {
    unreachable = (err as Error).message;
  } finally {
    await probe.close?.();
  }
  if (unreachable !== undefined) {
    const message = `${harness.server} is not reachable (${unreachable}); start it with: ${harness.startHint}`;
    if (process.env.CI) {
      it(`${harness.name} conformance: server reachable`, () => {
        throw new Error(message);
      });
    } else {
      console.warn(`skipping ${harness.name} conformance: ${message}`);
      describe.skip(`${harness.name} conformance`, () => it('needs the server', () => undefined));
    }
    return;
  }
  registerSuite(harness);
}

function registerSuite(h: SqlConnectorHarness): void {
  const { sql } = h;
  const run = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;
  let n = 0;
  const created: string[] = [];
  const changelogs: TableConfig[] = [];
  const stateDir = join(tmpdir(), `ferry-conformance-${h.name}-${run}`);
  let source: SqlSource;
  let q: (text: string, bindings?: unknown[]) => Promise<Record<string, unknown>[]>;

  async function table(columns: string): Promise<string> {
    const name = `ferry_t_${run}_${++n}`;
    created.push(name);
    await q(sql.dropTable(name));
    await q(`CREATE TABLE ${name} (${columns})`);
    return name;
  }

  function config(name: string, strategy: StrategyConfig, extra: Partial<TableConfig> = {}): TableConfig {
    const t: TableConfig = { table: name, resource: `res-${name}`, strategy, ...extra };
    if (strategy.kind === 'changelog') changelogs.push(t);
    return t;
  }

  async function capture(
    sink: MemorySink,
    tables: TableConfig[],
    options: {
      src?: SqlSource;
      batchSize?: number;
      onInvalidCursor?: 'fail' | 'resnapshot';
      onEvent?: (e: ConnectorEvent) => void;
    } = {},
  ) {
    await runConnector({
      source: options.src ?? source,
      sink,
      tables,
      batchSize: options.batchSize ?? 100,
      once: true,
      ...(options.onInvalidCursor ? { onInvalidCursor: options.onInvalidCursor } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
  }

  const valuesOf = (sink: MemorySink, t: TableConfig, column = 'name') =>
    Object.fromEntries([...sink.state(t.resource, keyText)].map(([k, row]) => [k, row[column] ?? null]));

  describe(`${h.name} conformance`, () => {
    beforeAll(async () => {
      source = h.connect();
      const db = await source.db();
      q = (text, bindings = []) => db.query(text, bindings);
    });

    afterAll(async () => {
      for (const t of changelogs) await source.uninstallChangelog(t).catch(() => undefined);
      for (const name of created) await q(sql.dropTable(name)).catch(() => undefined);
      await source.close?.();
      await rm(stateDir, { recursive: true, force: true });
    });

    describe('captures what each strategy sees', () => {
      const base = () =>
        `id ${sql.bigint} PRIMARY KEY, name ${sql.text}, updated_at ${sql.timestamp} NOT NULL`;
      async function seed(name: string) {
        for (let i = 1; i <= 5; i++)
          await q(`INSERT INTO ${name} (id, name, updated_at) VALUES (?, ?, ${sql.now})`, [i, `n${i}`]);
      }
      async function mutate(name: string) {
        await q(`INSERT INTO ${name} (id, name, updated_at) VALUES (6, 'n6', ${sql.now})`);
        await q(`UPDATE ${name} SET name = 'changed', updated_at = ${sql.now} WHERE id = 2`);
        await q(`DELETE FROM ${name} WHERE id = 3`);
      }

      it('changelog: inserts, updates, deletes and key changes', async () => {
        const name = await table(base());
        await seed(name);
        const t = config(name, { kind: 'changelog', install: true });
        const sink = new MemorySink();
        await capture(sink, [t]);
        await mutate(name);
        await q(`UPDATE ${name} SET id = 40 WHERE id = 4`);
        await capture(sink, [t]);
        expect(valuesOf(sink, t)).toEqual({ 1: 'n1', 2: 'changed', 5: 'n5', 6: 'n6', 40: 'n4' });
      });

      it('timestamp: inserts and updates, deletes are not seen', async () => {
        const name = await table(base());
        await seed(name);
        const t = config(name, { kind: 'timestamp', column: 'updated_at', lagMs: LAG_MS });
        const sink = new MemorySink();
        await capture(sink, [t]);
        await mutate(name);
        await sleep(LAG_MS + 100);
        await capture(sink, [t]);
        expect(valuesOf(sink, t)).toEqual({ 1: 'n1', 2: 'changed', 3: 'n3', 4: 'n4', 5: 'n5', 6: 'n6' });
      });

      it('incrementing: inserts only', async () => {
        const name = await table(base());
        await seed(name);
        const t = config(name, { kind: 'incrementing' });
        const sink = new MemorySink();
        await capture(sink, [t]);
        await mutate(name);
        await capture(sink, [t]);
        expect(valuesOf(sink, t)).toEqual({ 1: 'n1', 2: 'n2', 3: 'n3', 4: 'n4', 5: 'n5', 6: 'n6' });
      });

      it('diff: inserts, updates and deletes, and nothing when nothing changed', async () => {
        const name = await table(base());
        await seed(name);
        const t = config(name, { kind: 'diff', stateDir });
        const sink = new MemorySink();
        await capture(sink, [t], { batchSize: 2 });
        await mutate(name);
        await capture(sink, [t], { batchSize: 2 });
        expect(valuesOf(sink, t)).toEqual({ 1: 'n1', 2: 'changed', 4: 'n4', 5: 'n5', 6: 'n6' });
        const before = sink.batches.length;
        await capture(sink, [t]);
        expect(sink.batches.length).toBe(before);
      });
    });

    describe('late commits', () => {
      it('changelog: a transaction that commits after later ones were captured is still delivered', async () => {
        const name = await table(`id ${sql.serialKey}, name ${sql.text}`);
        const t = config(name, { kind: 'changelog', install: true, graceMs: 60_000 });
        const sink = new MemorySink();
        await capture(sink, [t]);
        const knex = (await source.db()).knex;
        const a = await knex.transaction();
        try {
          await a.raw(`INSERT INTO ${name} (name) VALUES ('A')`);
          await knex.raw(`INSERT INTO ${name} (name) VALUES ('B')`);
          await capture(sink, [t]);
          expect(Object.values(valuesOf(sink, t))).toEqual(['B']);
          await a.commit();
        } finally {
          if (!a.isCompleted()) await a.rollback();
        }
        await capture(sink, [t]);
        expect(Object.values(valuesOf(sink, t)).sort()).toEqual(['A', 'B']);
      });

      it('timestamp: a transaction that commits within the lag window is still delivered', async () => {
        const name = await table(
          `id ${sql.bigint} PRIMARY KEY, name ${sql.text}, updated_at ${sql.timestamp} NOT NULL`,
        );
        const t = config(name, { kind: 'timestamp', column: 'updated_at', lagMs: 1000 });
        const sink = new MemorySink();
        await capture(sink, [t]);
        const knex = (await source.db()).knex;
        const a = await knex.transaction();
        try {
          await a.raw(`INSERT INTO ${name} (id, name, updated_at) VALUES (1, 'A', ${sql.now})`);
          await knex.raw(`INSERT INTO ${name} (id, name, updated_at) VALUES (2, 'B', ${sql.now})`);
          await capture(sink, [t]);
          await a.commit();
        } finally {
          if (!a.isCompleted()) await a.rollback();
        }
        await sleep(1100);
        await capture(sink, [t]);
        expect(valuesOf(sink, t)).toEqual({ 1: 'A', 2: 'B' });
      });
    });

    describe('hands changes on', () => {
      it('encoded while the sink does not read them, as objects once it does; the same changes either way', async () => {
        const name = await table(
          `id ${sql.bigint} PRIMARY KEY, name ${sql.text}, updated_at ${sql.timestamp} NOT NULL`,
        );
        for (let i = 1; i <= 25; i++)
          await q(`INSERT INTO ${name} (id, name, updated_at) VALUES (?, ?, ${sql.now})`, [i, `n${i}`]);
        const t = config(name, { kind: 'timestamp', column: 'updated_at', lagMs: LAG_MS });
        await sleep(LAG_MS + 100); // the rows behind the snapshot's watermark: none is read twice
        /** Records, at each write, whether the batch came encoded, and the NDJSON it stands for. */
        class Recording extends MemorySink {
          readonly seen: { encoded: boolean; ndjson: string }[] = [];
          constructor(private readonly reads: boolean) {
            super();
          }
          override async write(batch: ChangeBatch): Promise<void> {
            const encoded = encodedChanges(batch);
            if (this.reads) expect(batch.changes.length).toBe(encoded?.count ?? batch.changes.length);
            const bytes = encoded?.bytes ?? encodeChanges(batch.changes);
            this.seen.push({ encoded: encoded !== undefined, ndjson: Buffer.from(bytes).toString('utf8') });
            await super.write(batch);
          }
        }
        // Like the outbox: only the bytes are used. Then a sink that reads the change objects.
        const storing = new Recording(false);
        const reading = new Recording(true);
        const sinks = [storing, reading].map((sink) => ({ sink, src: h.connect() }));
        for (const { sink, src } of sinks) await capture(sink, [t], { src, batchSize: 10 });
        await q(`UPDATE ${name} SET name = 'changed', updated_at = ${sql.now} WHERE id IN (3, 17)`);
        await sleep(LAG_MS + 100);
        for (const { sink, src } of sinks) {
          await capture(sink, [t], { src, batchSize: 10 });
          await src.close?.();
        }
        expect(storing.seen.map((b) => b.encoded)).toEqual([true, true, true, true]);
        expect(reading.seen.map((b) => b.encoded)).toEqual([true, false, false, false]);
        expect(reading.seen.map((b) => b.ndjson)).toEqual(storing.seen.map((b) => b.ndjson));
        expect(decodeChanges(Buffer.from(storing.seen[3]!.ndjson)).map((c) => keyText(c.key))).toEqual([
          '3',
          '17',
        ]);
        expect(valuesOf(reading, t)).toEqual(valuesOf(storing, t));
      });
    });

    describe('restarts', () => {
      it('timestamp: many rows sharing one timestamp survive a crash mid-way, none lost or repeated', async () => {
        const name = await table(
          `id ${sql.bigint} PRIMARY KEY, name ${sql.text}, updated_at ${sql.timestamp} NOT NULL`,
        );
        const t = config(name, { kind: 'timestamp', column: 'updated_at', lagMs: LAG_MS });
        const sink = new MemorySink();
        await capture(sink, [t]);
        const from = sink.batches.length;
        const [{ ts } = {}] = await q(`SELECT ${sql.now} AS ts`);
        for (let i = 1; i <= 25; i++)
          await q(`INSERT INTO ${name} (id, name, updated_at) VALUES (?, ?, ?)`, [i, `n${i}`, ts]);
        await sleep(LAG_MS + 100);
        sink.failAt = from + 3;
        await expect(capture(sink, [t], { batchSize: 4 })).rejects.toThrow(/simulated crash/);
        sink.failAt = undefined;
        await capture(sink, [t], { src: h.connect(), batchSize: 4 });
        const ids = sink.changes(t.resource, from).map((c) => Number(c.key.id));
        expect(ids.sort((x, y) => x - y)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      });

      it('changelog: a new process resumes from the checkpoint with no gap', async () => {
        const name = await table(`id ${sql.bigint} PRIMARY KEY, name ${sql.text}`);
        for (let i = 1; i <= 30; i++) await q(`INSERT INTO ${name} (id, name) VALUES (?, ?)`, [i, `n${i}`]);
        const t = config(name, { kind: 'changelog', install: true });
        const sink = new MemorySink();
        sink.failAt = 2; // the snapshot stops half-way
        await expect(capture(sink, [t], { batchSize: 10 })).rejects.toThrow(/simulated crash/);
        sink.failAt = undefined;
        await q(`UPDATE ${name} SET name = 'while-down' WHERE id IN (5, 25)`);
        await q(`DELETE FROM ${name} WHERE id = 15`);
        await q(`INSERT INTO ${name} (id, name) VALUES (31, 'n31')`);
        const other = h.connect();
        await capture(sink, [t], { src: other, batchSize: 10 });
        await other.close?.();
        const expected = Object.fromEntries(
          Array.from({ length: 31 }, (_, i) => [String(i + 1), `n${i + 1}`]).filter(([k]) => k !== '15'),
        );
        expected['5'] = 'while-down';
        expected['25'] = 'while-down';
        expect(valuesOf(sink, t)).toEqual(expected);
        expect(sink.batches.filter((b) => b.snapshot === 'begin')).toHaveLength(1);
      });
    });

    describe('unusable cursors are reported or resnapshotted, never skipped', () => {
      it('a cursor that does not decode fails with FERRY_CURSOR_INVALID, or resnapshots', async () => {
        const name = await table(`id ${sql.bigint} PRIMARY KEY, name ${sql.text}`);
        await q(`INSERT INTO ${name} (id, name) VALUES (1, 'a')`);
        const t = config(name, { kind: 'incrementing' });
        const sink = new MemorySink();
        sink.cursors.set(t.resource, 'not-a-cursor');
        const err = await capture(sink, [t]).catch((e) => e);
        expect(isFerryError(err, 'FERRY_CURSOR_INVALID')).toBe(true);
        expect(sink.batches).toHaveLength(0);
        await capture(sink, [t], { onInvalidCursor: 'resnapshot' });
        expect(sink.batches[0]?.snapshot).toBe('begin');
        expect(valuesOf(sink, t)).toEqual({ 1: 'a' });
      });

      it('changelog: a log purged past the cursor is FERRY_CURSOR_EXPIRED, or resnapshots', async () => {
        const name = await table(`id ${sql.bigint} PRIMARY KEY, name ${sql.text}`);
        const t = config(name, { kind: 'changelog', install: true });
        const sink = new MemorySink();
        await capture(sink, [t]);
        await q(`INSERT INTO ${name} (id, name) VALUES (1, 'unread')`);
        await source.purgeChangelog(t);
        const err = await capture(sink, [t]).catch((e) => e);
        expect(isFerryError(err, 'FERRY_CURSOR_EXPIRED')).toBe(true);
        const events: ConnectorEvent[] = [];
        await capture(sink, [t], { onInvalidCursor: 'resnapshot', onEvent: (e) => events.push(e) });
        expect(events.some((e) => e.type === 'snapshot-started' && e.reason === 'resnapshot')).toBe(true);
        expect(valuesOf(sink, t)).toEqual({ 1: 'unread' });
      });

      it('diff: lost state is FERRY_CURSOR_EXPIRED', async () => {
        const name = await table(`id ${sql.bigint} PRIMARY KEY, name ${sql.text}`);
        await q(`INSERT INTO ${name} (id, name) VALUES (1, 'a')`);
        const dir = join(stateDir, 'lost');
        const t = config(name, { kind: 'diff', stateDir: dir });
        const sink = new MemorySink();
        await capture(sink, [t]);
        await rm(dir, { recursive: true, force: true });
        const err = await capture(sink, [t], { src: h.connect() }).catch((e) => e);
        expect(isFerryError(err, 'FERRY_CURSOR_EXPIRED')).toBe(true);
      });

      it.runIf(sql.logsTruncate)(
        'changelog: a TRUNCATE is FERRY_CURSOR_EXPIRED, and a resnapshot starts a new epoch',
        async () => {
          const name = await table(`id ${sql.bigint} PRIMARY KEY, name ${sql.text}`);
          await q(`INSERT INTO ${name} (id, name) VALUES (1, 'a'), (2, 'b')`);
          const t = config(name, { kind: 'changelog', install: true });
          const sink = new MemorySink();
          await capture(sink, [t]);
          await q(`TRUNCATE ${name}`);
          await q(`INSERT INTO ${name} (id, name) VALUES (3, 'c')`);
          await capture(sink, [t], { onInvalidCursor: 'resnapshot' });
          expect(valuesOf(sink, t)).toEqual({ 3: 'c' });
          await capture(sink, [t], { onInvalidCursor: 'fail' });
        },
      );
    });

    it('round-trips values with full fidelity, through the wire encoding too', async () => {
      const name = await table(sql.typeRoundTrip.columns);
      await q(sql.typeRoundTrip.insert(name));
      const t = config(name, { kind: 'incrementing' });
      const sink = new MemorySink();
      await capture(sink, [t]);
      const [change] = sink.changes(t.resource);
      expect(change?.op).toBe('upsert');
      const row = change?.op === 'upsert' ? change.row : {};
      const [decoded] = decodeChanges(encodeChanges([change!]));
      for (const [column, expected] of Object.entries(sql.typeRoundTrip.expected)) {
        expect(plain(row[column] ?? null), column).toEqual(plain(expected));
        expect(
          plain(decoded?.op === 'upsert' ? (decoded.row[column] ?? null) : null),
          `${column} on the wire`,
        ).toEqual(plain(expected));
      }
    });

    describe('tables without a primary key', () => {
      it('preflight says to configure a key', async () => {
        const name = await table(`code ${sql.bigint} NOT NULL, name ${sql.text}`);
        const checks = await source.preflight([config(name, { kind: 'diff', stateDir })]);
        const problem = checks.find((c) => !c.ok);
        expect(problem?.check).toBe('key');
        expect(problem?.message).toMatch(/no primary key; set `key`/);
      });

      it('diff with a configured key captures inserts, updates and deletes', async () => {
        const name = await table(`code ${sql.bigint} NOT NULL, name ${sql.text}`);
        await q(`INSERT INTO ${name} (code, name) VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
        const t = config(name, { kind: 'diff', stateDir }, { key: ['code'] });
        expect((await source.preflight([t])).filter((c) => !c.ok)).toEqual([]);
        const sink = new MemorySink();
        await capture(sink, [t]);
        await q(`UPDATE ${name} SET name = 'B' WHERE code = 2`);
        await q(`DELETE FROM ${name} WHERE code = 3`);
        await q(`INSERT INTO ${name} (code, name) VALUES (4, 'd')`);
        await capture(sink, [t]);
        const state = sink.state(t.resource, (k) => String(k.code));
        expect(Object.fromEntries([...state].map(([k, r]) => [k, r.name]))).toEqual({
          1: 'a',
          2: 'B',
          4: 'd',
        });
      });
    });

    it('an added or renamed column: captured rows carry the new shape and preflight warns', async () => {
      const name = await table(`id ${sql.bigint} PRIMARY KEY, name ${sql.text}`);
      await q(`INSERT INTO ${name} (id, name) VALUES (1, 'a')`);
      const t = config(name, { kind: 'changelog', install: true });
      const sink = new MemorySink();
      const src = h.connect({ schemaRefreshMs: 0 });
      await capture(sink, [t], { src });
      await q(`ALTER TABLE ${name} ADD COLUMN note ${sql.text}`);
      await q(`UPDATE ${name} SET note = 'added' WHERE id = 1`);
      const events: ConnectorEvent[] = [];
      await capture(sink, [t], { src, onEvent: (e) => events.push(e) });
      expect(sink.batches.at(-1)?.changes[0]).toMatchObject({
        op: 'upsert',
        row: { id: expect.anything(), name: 'a', note: 'added' },
      });
      expect(events.find((e) => e.type === 'schema-changed')).toMatchObject({ added: ['note'] });

      await q(`ALTER TABLE ${name} RENAME COLUMN name TO title`);
      const checks = await preflightConnector({ source: src, sink, tables: [t] });
      expect(checks.find((c) => c.check === 'schema-changed')?.message).toMatch(
        /no longer has `name` and now has `title`/,
      );
      await q(`UPDATE ${name} SET title = 'renamed' WHERE id = 1`);
      await capture(sink, [t], { src });
      const last = sink.batches.at(-1)?.changes[0];
      expect(last?.op === 'upsert' && Object.keys(last.row).sort()).toEqual(['id', 'note', 'title']);
      await src.close?.();
    });

    it('discovers columns with normalized types and the primary key', async () => {
      const name = await table(
        `id ${sql.bigint} PRIMARY KEY, name ${sql.text}, updated_at ${sql.timestamp} NOT NULL`,
      );
      const [meta] = await source.discover([name]);
      expect(meta?.primaryKey).toEqual(['id']);
      expect(meta?.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
        ['id', 'bigint', false],
        ['name', 'text', true],
        ['updated_at', expect.stringMatching(/^timestamp/), false],
      ]);
      const missing = await source.discover([`${name}_missing`]).catch((e) => e);
      expect(isFerryError(missing, 'FERRY_NOT_FOUND')).toBe(true);
    });
  });
}

/** Values compared by their wire form (Decimal, Timestamp, bigint, bytes…). */
function plain(value: FerryValue): unknown {
  return JSON.parse(
    Buffer.from(encodeChanges([{ op: 'upsert', key: {}, row: { v: value } }])).toString('utf8'),
  ).row.v;
}
