// Small pieces of the hub on their own: key canonicalisation, statement sizes, stream positions.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, gunzipSync } from 'node:zlib';
import {
  type DataItemType,
  decodeValue,
  encodeChangeLine,
  type FerryValue,
  isFerryError,
  open,
} from '@ferry/sdk';
import knex, { type Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { decodeBatch, type PreparedBatch } from '../src/ingest/decode-batch.js';
import { GroupCommit } from '../src/ingest/group-commit.js';
import { keyText } from '../src/ingest/key-text.js';
import { OpenPool } from '../src/ingest/open-pool.js';
import { ReorderGate } from '../src/ingest/reorder-gate.js';
import { dropRowsOfOlderEpochs } from '../src/ingest/snapshot-end.js';
import { classifyPosition } from '../src/ingest/stream-position.js';
import { recordProblem } from '../src/ingest/wire-check.js';
import { deflateForLog, inflateLog, logFromSegments } from '../src/store/change-log.js';
import { chunkSizes } from '../src/store/dialects/dialect.js';
import { rowCount, rowText } from '../src/store/dialects/index.js';
import { sqliteDialect } from '../src/store/dialects/sqlite.js';
import { createResourceTable } from '../src/store/resources.js';
import { dropSchema, reachablePostgres } from './support/databases.js';
import { testPki } from './support/pki.js';

describe('keyText', () => {
  // As ingest uses it: the wire value decoded by the SDK (a key that does not decode has no text), then keyText.
  const wireKey = (value: unknown, type: DataItemType): string | undefined => {
    let decoded: FerryValue;
    try {
      decoded = decodeValue(value);
    } catch {
      return undefined;
    }
    return keyText(decoded, type);
  };

  it('gives one text per value whatever its encoding', () => {
    expect([
      wireKey(12, 'integer'),
      wireKey({ $int: '12' }, 'integer'),
      wireKey('012', 'integer'),
      wireKey({ $dec: '12' }, 'integer'),
    ]).toEqual(['12', '12', '12', '12']);
    expect(wireKey({ $int: (2n ** 63n).toString() }, 'integer')).toBe('9223372036854775808');
    expect([
      wireKey({ $dec: '1.50' }, 'decimal'),
      wireKey('001.50', 'decimal'),
      wireKey(1.5, 'decimal'),
    ]).toEqual(['1.50', '1.50', '1.5']);
    expect(wireKey({ $date: '2026-01-31' }, 'date')).toBe('2026-01-31');
    expect(wireKey({ $ts: '2026-01-31T08:00:00.5+08:00' }, 'datetime')).toBe('2026-01-31T08:00:00.5+08:00');
    expect(wireKey({ $bin: 'AQID' }, 'binary')).toBe('AQID');
    expect(wireKey(true, 'boolean')).toBe('true');
  });

  it('refuses values that are not of the key item type', () => {
    expect(wireKey(1.5, 'integer')).toBeUndefined();
    expect(wireKey(2 ** 60, 'integer')).toBeUndefined();
    expect(wireKey('12', 'boolean')).toBeUndefined();
    expect(wireKey(12, 'string')).toBeUndefined();
    expect(wireKey(null, 'string')).toBeUndefined();
    expect(wireKey('1e5', 'decimal')).toBeUndefined();
    expect(wireKey('2026-1-1', 'date')).toBeUndefined();
    expect(wireKey({ $int: '1.5' }, 'integer')).toBeUndefined();
    expect(wireKey({ $dec: '1.5' }, 'integer')).toBeUndefined();
    expect(wireKey({ $int: '1', $dec: '1' }, 'integer')).toBeUndefined();
    expect(wireKey({ $ts: '2026-01-31 08:00' }, 'datetime')).toBeUndefined();
    expect(wireKey({ $bin: 'not base64!' }, 'binary')).toBeUndefined();
  });

  it('canonicalizes integer, decimal and binary keys as a decode and re-encode would', () => {
    expect(wireKey({ $int: '-007' }, 'integer')).toBe('-7');
    expect(wireKey({ $int: '-0' }, 'integer')).toBe('0');
    expect(wireKey({ $dec: '-0.00' }, 'decimal')).toBe('0.00');
    expect(wireKey({ $dec: '0012.340' }, 'decimal')).toBe('12.340');
    expect(wireKey({ $dec: '12.000' }, 'integer')).toBeUndefined();
    expect(wireKey({ $bin: 'AQI' }, 'binary')).toBe('AQI=');
  });
});

describe('decodeBatch', () => {
  const items = [{ name: 'id', dataType: 'integer' as const, column: 'k_0' }];
  const lines = (...l: string[]) => Buffer.from(`${l.join('\n')}\n`);
  const texts = (batch: PreparedBatch) =>
    Array.from({ length: rowCount(batch.upserts.rows) }, (_, i) => rowText(batch.upserts.rows, i));

  it('keeps the last change of each key and counts every line', () => {
    const batch = decodeBatch(
      lines(
        '{"op":"upsert","key":{"id":1},"row":{"id":1,"v":"a"}}',
        '{"op":"upsert","key":{"id":{"$int":"1"}},"row":{"id":1,"v":"b"}}',
        '{"op":"upsert","key":{"id":2},"row":{"id":2}}',
        '{"op":"delete","key":{"id":2},"pos":"scn:7"}',
      ),
      items,
    );
    expect(batch.count).toBe(4);
    expect(batch.upserts.keys).toEqual([['1']]);
    expect(texts(batch)).toEqual(['{"id":1,"v":"b"}']);
    expect(batch.deletes).toEqual({ keys: [['2']] });
  });

  it('reads a row the same whether its line is in the SDK member order or not', () => {
    const row =
      '{"id":{"$int":"7"},"姓名":"张\\"三","nested":{"$obj":{"a":1,"row":{"$dec":"1.50"},"pos":"x"}}}';
    const variants = [
      `{"op":"upsert","key":{"id":7},"row":${row}}`,
      `{"op":"upsert","key":{"id":7},"row":${row},"pos":"scn:9"}`,
      `{"op":"upsert","key":{"id":{"$int":"7"}},"row":${row},"pos":"a\\",\\"pos\\":\\"b"}`,
      `{"key":{"id":7},"op":"upsert","row":${row}}`,
      `{ "op": "upsert", "key": {"id": 7}, "row": ${row} }`,
    ];
    for (const line of variants) {
      const batch = decodeBatch(lines(line), items);
      expect(batch.upserts.keys).toEqual([['7']]);
      expect(texts(batch)).toEqual([row]);
    }
    // Lines the split cannot take are read whole: a duplicate member keeps the last value, as JSON.parse does.
    const dup = decodeBatch(lines(`{"op":"upsert","key":{"id":1},"row":{"v":1},"row":{"v":2}}`), items);
    expect(texts(dup)).toEqual(['{"v":2}']);
    expect(() =>
      decodeBatch(lines(`{"op":"upsert","key":{"id":1},"row":{"v":1},"extra":{}}`), items),
    ).toThrow(/unknown member "extra"/);
    expect(() => decodeBatch(lines(`{"op":"upsert","key":{"id":1},"row":{"v":1},"pos":7}`), items)).toThrow(
      /"pos" must be a string/,
    );
    expect(() =>
      decodeBatch(lines(`{"op":"upsert","key":{"id":1},"row":{"v":{"$dec":"x"}}}`), items),
    ).toThrow(/invalid row/);
  });

  it('hands rows on as the bytes they arrived in, whichever path read them', () => {
    const code = [{ name: '编码', dataType: 'string' as const, column: 'k_0' }];
    const batch = decodeBatch(
      lines(
        '{"op":"upsert","key":{"编码":"甲"},"row":{"名":"一"},"pos":"位置-1"}',
        '{"key":{"编码":"乙"},"op":"upsert","row":{"名":"二"}}',
        '{"op":"upsert","key":{"编码":"丙"},"row":{"名":"三"}}',
        '{"op":"upsert","key":{"编码":"甲"},"row":{"名":"一改"}}',
        '{"op":"delete","key":{"编码":"丙"}}',
        '{"op":"upsert","key":{"编码":"丁"},"row":{"名":"丁","n":1e2}}',
      ),
      code,
    );
    expect(batch.upserts.keys).toEqual([['甲', '乙', '丁']]);
    expect(texts(batch)).toEqual(['{"名":"一改"}', '{"名":"二"}', '{"名":"丁","n":1e2}']);
    expect(batch.deletes.keys).toEqual([['丙']]);
    // A line that is not UTF-8 is refused with its number, not stored with replacement characters.
    const broken = Buffer.concat([
      lines('{"op":"delete","key":{"编码":"甲"}}'),
      Buffer.from([0x7b, 0xff, 0x7d, 0x0a]),
    ]);
    expect(() => decodeBatch(broken, code)).toThrow(
      expect.objectContaining({ code: 'FERRY_INVALID_ARGUMENT', location: { line: 2 } }),
    );
  });

  it('reads keys and rows of any Unicode text as the SDK wrote them', () => {
    const code = [{ name: '标识', dataType: 'string' as const, column: 'k_0' }];
    const pick = (i: number) =>
      ['a', '张', 'é', '😀', '\\', '"', '\n', '\u0001', '\u00a0', '\ud800'][i % 10]!;
    const changes = Array.from({ length: 200 }, (_, i) => {
      const text = Array.from({ length: 1 + (i % 7) }, (_, k) => pick(i * 7 + k * 3)).join('');
      return {
        op: 'upsert' as const,
        key: { 标识: `${text}-${i}` },
        row: { 标识: `${text}-${i}`, 值: text },
        position: `位置${i}`,
      };
    });
    const batch = decodeBatch(Buffer.from(changes.map((c) => encodeChangeLine(c)).join('\n')), code);
    expect(batch.upserts.keys[0]).toEqual(changes.map((c) => JSON.parse(JSON.stringify(c.key.标识))));
    expect(texts(batch).map((t) => JSON.parse(t))).toEqual(
      changes.map((c) => JSON.parse(JSON.stringify(c.row))),
    );
  });

  it('gives a key read from its text the canonical text of the decoded key', () => {
    // Keys in the SDK's form are read from their text; the others are decoded. Both must land on one row.
    const keyOf = (key: string, keyItems: Parameters<typeof decodeBatch>[1] = items) =>
      decodeBatch(lines(`{"op":"upsert","key":${key},"row":{}}`), keyItems).upserts.keys;
    for (const [key, canonical] of [
      ['{"id":{"$int":"42"}}', '42'],
      ['{"id":{"$int":"0"}}', '0'],
      ['{"id":{"$int":"-42"}}', '-42'],
      ['{"id":{"$int":"007"}}', '7'],
      ['{"id":{"$int":"-0"}}', '0'],
      ['{"id":42}', '42'],
      ['{"id": {"$int":"42"}}', '42'],
      ['{"id":{"$dec":"42"}}', '42'],
    ] as const) {
      expect([key, keyOf(key)]).toEqual([key, [[canonical]]]);
    }
    const code = [{ name: 'code', dataType: 'string' as const, column: 'k_0' }];
    expect(keyOf('{"code":"A-1"}', code)).toEqual([['A-1']]);
    expect(keyOf('{"code":"引号\\"与\\\\"}', code)).toEqual([['引号"与\\']]);
    expect(keyOf('{"code":"\\u0041"}', code)).toEqual([['A']]);
    // A composite key holding an item named "row": the split's first `,"row":` is inside the key.
    const pair = [
      { name: 'a', dataType: 'integer' as const, column: 'k_0' },
      { name: 'row', dataType: 'string' as const, column: 'k_1' },
    ];
    expect(keyOf('{"a":{"$int":"1"},"row":"x"}', pair)).toEqual([['1'], ['x']]);
    for (const key of ['{"id":{"$int":"4x"}}', '{"id":{"$int":"1"},"id2":{"$int":"2"}}', '{"id":"1"']) {
      expect(() => keyOf(key), key).toThrow(expect.objectContaining({ code: 'FERRY_INVALID_ARGUMENT' }));
    }
    expect(() => keyOf('{"code":1}', code)).toThrow(/not a valid string value/);
  });

  it('names the line of a bad change', () => {
    for (const [line, field] of [
      ['not json', undefined],
      ['{"op":"upsert","key":{"id":1},"row":{"id":{"$int":"x"}}}', 'row'],
      ['{"op":"merge","key":{"id":1}}', 'op'],
      ['{"op":"upsert","key":{"id":1,"extra":2},"row":{}}', 'key.extra'],
      ['{"op":"delete","key":{"id":1},"row":{}}', 'row'],
      ['{"op":"upsert","key":{"id":1},"row":{},"note":1}', 'note'],
    ] as const) {
      try {
        decodeBatch(lines('{"op":"delete","key":{"id":9}}', line), items);
        expect.unreachable(line);
      } catch (err) {
        expect(isFerryError(err, 'FERRY_INVALID_ARGUMENT'), line).toBe(true);
        if (isFerryError(err)) expect(err.location).toEqual({ line: 2, ...(field ? { field } : {}) });
      }
    }
  });
});

describe('chunkSizes', () => {
  it('uses full chunks, then powers of two, then the rest', () => {
    expect(chunkSizes(2000, 1000)).toEqual([1000, 1000]);
    expect(chunkSizes(1234, 1000)).toEqual([1000, 128, 64, 32, 10]);
    expect(chunkSizes(7, 500)).toEqual([7]);
    expect(chunkSizes(0, 500)).toEqual([]);
    for (const total of [1, 15, 16, 17, 999, 1001, 4321])
      expect(chunkSizes(total, 500).reduce((a, b) => a + b, 0)).toBe(total);
  });
});

describe('classifyPosition', () => {
  it('applies the next position, answers repeats, refuses gaps and old epochs', () => {
    expect(classifyPosition(undefined, 3, 0)).toBe('apply');
    expect(classifyPosition({ epoch: 3, nextSeq: 5 }, 3, 5)).toBe('apply');
    expect(classifyPosition({ epoch: 3, nextSeq: 5 }, 3, 4)).toBe('duplicate');
    expect(classifyPosition({ epoch: 3, nextSeq: 5 }, 4, 0)).toBe('apply');
    expect(() => classifyPosition({ epoch: 3, nextSeq: 5 }, 3, 6)).toThrow(
      expect.objectContaining({
        code: 'FERRY_SEQUENCE_GAP',
        details: expect.objectContaining({ expectedSeq: 5 }),
      }),
    );
    expect(() => classifyPosition({ epoch: 3, nextSeq: 5 }, 2, 9)).toThrow(
      expect.objectContaining({ code: 'FERRY_STREAM_EPOCH' }),
    );
    expect(() => classifyPosition(undefined, 1, 1)).toThrow(
      expect.objectContaining({ code: 'FERRY_SEQUENCE_GAP' }),
    );
  });
});

describe('recordProblem', () => {
  it('accepts a record of decodable wire values and names the first value that is not', () => {
    expect(
      recordProblem({ id: { $int: '1' }, at: { $ts: '2026-11-26T08:00:00Z' }, name: '张三' }),
    ).toBeUndefined();
    expect(recordProblem({ id: { $int: '1.5' } })).toBe('$int must be a decimal integer string');
    expect(recordProblem([{ $int: '1' }])).toBe('a record must be an object');
    expect(recordProblem(null)).toBe('a record must be an object');
  });
});

describe('OpenPool', () => {
  it('answers a frame that does not open with the same typed error as the event loop would, then closes', async () => {
    const pki = testPki();
    const pool = new OpenPool(1, {
      trust: pki.caPem,
      identity: { certificate: pki.hub.certificate.toPem(), privateKey: pki.hub.privateKey.toPem() },
      verify: { maxFrameBytes: 1 << 20, maxAgeMs: 60_000, allowedSuites: ['INTL', 'GM'] },
    });
    const garbage = Buffer.from('not an envelope frame');
    const inWorker = await pool.openAndDecode(garbage, []).catch((err: unknown) => err);
    const onLoop = await open(garbage, { trust: pki.trust, me: pki.hub }).catch((err: unknown) => err);
    expect(isFerryError(inWorker)).toBe(true);
    expect((inWorker as { code: string }).code).toBe((onLoop as { code: string }).code);
    await pool.close();
    await expect(pool.openAndDecode(garbage, [])).rejects.toMatchObject({
      code: 'FERRY_INTERNAL',
      statusCode: 503,
    });
  });

  it('start() resolves once the workers have loaded the identity, and rejects when one cannot', async () => {
    const pki = testPki();
    const verify = { maxFrameBytes: 1 << 20, maxAgeMs: 60_000, allowedSuites: ['INTL', 'GM'] as const };
    const pool = new OpenPool(2, {
      trust: pki.caPem,
      identity: { certificate: pki.hub.certificate.toPem(), privateKey: pki.hub.privateKey.toPem() },
      verify: { ...verify, allowedSuites: [...verify.allowedSuites] },
    });
    await pool.start();
    await pool.close();
    const broken = new OpenPool(1, {
      trust: pki.caPem,
      identity: { certificate: pki.hub.certificate.toPem(), privateKey: 'not a key' },
      verify: { ...verify, allowedSuites: [...verify.allowedSuites] },
    });
    await expect(broken.start()).rejects.toThrow();
    await broken.close();
  });
});

describe('GroupCommit', () => {
  const pgUrl = reachablePostgres();
  const cases: { name: string; open(): Promise<{ db: Knex; cleanUp(): Promise<void> } | undefined> }[] = [
    {
      name: 'SQLite',
      async open() {
        const dir = mkdtempSync(join(tmpdir(), 'ferry-group-'));
        const db = knex({
          client: 'better-sqlite3',
          connection: { filename: join(dir, 'g.sqlite') },
          useNullAsDefault: true,
          pool: { min: 1, max: 1 },
        });
        return { db, cleanUp: async () => rmSync(dir, { recursive: true, force: true }) };
      },
    },
    {
      name: 'PostgreSQL',
      async open() {
        const url = await pgUrl;
        if (!url) return undefined;
        const schema = `ferry_group_${randomBytes(4).toString('hex')}`;
        const db = knex({ client: 'pg', connection: url, searchPath: [schema], pool: { min: 1, max: 2 } });
        await db.raw('CREATE SCHEMA ??', [schema]);
        return { db, cleanUp: () => dropSchema(url, schema) };
      },
    },
  ];
  for (const c of cases) {
    it(`applies units submitted together in one transaction; one that fails undoes only itself (${c.name})`, async (test) => {
      const opened = await c.open();
      if (!opened) return test.skip();
      const { db } = opened;
      try {
        await db.schema.createTable('t', (t) => {
          t.integer('id').primary();
        });
        const group = new GroupCommit(db);
        let transactions = 0;
        db.on('query', (q: { sql: string }) => {
          if (/^begin/i.test(q.sql)) transactions++;
        });
        const insert = (id: number) =>
          group.run(async (trx) => {
            await trx('t').insert({ id });
            if (id === 3) await trx('t').insert({ id: 1 }); // a unique violation, as a failing envelope meets
            return id;
          });
        const ok = await Promise.all([1, 2, 4, 5].map(insert));
        expect(ok).toEqual([1, 2, 4, 5]);
        // The first unit found the connection free and ran alone; the three queued behind it shared the next one.
        expect(transactions).toBeLessThanOrEqual(2);
        const results = await Promise.allSettled([6, 3, 7].map(insert));
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        expect((await db('t').orderBy('id')).map((r: { id: number }) => r.id)).toEqual([1, 2, 4, 5, 6, 7]);
      } finally {
        await db.destroy();
        await opened.cleanUp();
      }
    });
  }
});

describe('ReorderGate', () => {
  it('lets a held envelope go once its predecessor is queued, also when that happens during its database read', async () => {
    let release: (() => void) | undefined;
    const gate = new ReorderGate({ waitMs: 5_000, maxHeld: 8 }, async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { epoch: 1, nextSeq: 0 };
    });
    const started = Date.now();
    const turn = gate.awaitTurn('A', 'R', 1, 1);
    gate.advanced('A', 'R', { epoch: 1, nextSeq: 1 });
    release?.();
    await turn;
    // Without the re-check it would sleep its first 200 ms slice.
    expect(Date.now() - started).toBeLessThan(150);
  });

  it('refuses at once when too many are held, and after the wait otherwise', async () => {
    const gate = new ReorderGate({ waitMs: 100, maxHeld: 1 }, async () => ({ epoch: 1, nextSeq: 0 }));
    const first = gate.awaitTurn('A', 'R', 1, 5);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(gate.held).toBe(1);
    const started = Date.now();
    await gate.awaitTurn('A', 'R', 1, 6);
    expect(Date.now() - started).toBeLessThan(50);
    await first;
    expect(gate.held).toBe(0);
  });
});

describe('dropRowsOfOlderEpochs', () => {
  it('drops the rows of older epochs a chunk at a time and logs each chunk as deletes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-drop-'));
    const db = knex({
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'd.sqlite') },
      useNullAsDefault: true,
      pool: { min: 1, max: 1 },
    });
    try {
      const shape = { table: 'resource_9', keyColumns: ['k_0'] };
      await createResourceTable(db, shape);
      const row = (id: number, epoch: number) => ({
        sender: 'A',
        k_0: String(id),
        row: JSON.stringify({ id, v: `第${id}` }),
        epoch,
        seq: 0,
        updated_at: '2026-11-26T00:00:00Z',
      });
      await db(shape.table).insert([1, 2, 3, 4, 5].map((id) => row(id, 1)));
      await db(shape.table).insert([row(6, 2), { ...row(1, 1), sender: 'B' }]);
      const resource = {
        id: 9,
        code: 'R',
        providerCode: 'A',
        publishedVersion: 1,
        shareType: 'unconditional' as const,
        keyItems: [{ name: 'id', dataType: 'integer' as const, column: 'k_0' }],
        table: shape.table,
        logPosition: 0,
      };
      const logged: string[][] = [];
      const dropped = await db.transaction(async (trx) => {
        const connection = await (
          trx as unknown as { client: { acquireConnection(): Promise<unknown> } }
        ).client.acquireConnection();
        return dropRowsOfOlderEpochs(
          trx,
          resource,
          'A',
          2,
          (keys) => sqliteDialect.deleteRows(connection, shape, { sender: 'A', keys }),
          async (count, content) => {
            const lines = Buffer.from(content).toString('utf8').trimEnd().split('\n');
            expect(lines).toHaveLength(count);
            logged.push(lines);
          },
          2,
        );
      });
      expect(dropped).toBe(5);
      expect(logged.map((chunk) => chunk.length)).toEqual([2, 2, 1]);
      expect(logged.flat().map((l) => JSON.parse(l))).toEqual(
        [1, 2, 3, 4, 5].map((id) => ({ op: 'delete', key: { id } })),
      );
      const left = await db(shape.table).orderBy(['sender', 'k_0']).select('sender', 'k_0');
      // Other senders' rows and the new epoch's rows stay.
      expect(left).toEqual([
        { sender: 'A', k_0: '6' },
        { sender: 'B', k_0: '1' },
      ]);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('change log storage', () => {
  it('keeps deflated segments as gzip members and reads both stored forms back', () => {
    const content = Buffer.from(
      Array.from({ length: 300 }, (_, i) => `{"op":"upsert","key":{"id":${i}},"row":{"名":"第${i}"}}\n`).join(
        '',
      ),
    );
    // Segments as a sender makes them: each part of the content deflated on its own.
    const cuts = [0, 1000, 1001, 7000, content.length];
    const segments = cuts.slice(1).map((end, i) => ({
      deflated: deflateRawSync(content.subarray(cuts[i]!, end)),
      length: end - cuts[i]!,
    }));
    const stored = logFromSegments(segments, content);
    expect(stored.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(inflateLog(stored)).toEqual(content);
    expect(gunzipSync(stored)).toEqual(content); // standard gzip: any tool reads it
    expect(inflateLog(deflateForLog(content))).toEqual(content);
    expect(() => logFromSegments(segments.slice(1), content)).toThrow(/do not cover/);
  });
});
