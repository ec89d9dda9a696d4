// Snapshots read with COPY (query) TO STDOUT must hand the sink exactly what a SELECT through pg hands it:
// the same change bytes, chunk boundaries and last keys, for every column type and for text that needs
// escaping in COPY's format, in JSON, or in the literals COPY's statement carries instead of parameters.
import { encodedChanges } from '@ferry/sdk/changes';
import {
  type CaptureTable,
  createSqlSource,
  type Position,
  type SnapshotChunk,
  type SqlDialect,
  type SqlSource,
  type TextRow,
} from '@ferry/sdk/connector';
import createKnex from 'knex';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyLines } from '../src/copy-rows.js';
import { postgres, postgresDialect, postgresKnexConfig } from '../src/index.js';

const connection = process.env.FERRY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TYPES = 'ferry_copy_types';
const TEXT_KEYS = 'ferry_copy_text_keys';
const ONE_COLUMN = 'ferry_copy_one_column';

const admin = new pg.Client({ connectionString: connection });

beforeAll(async () => {
  await admin.connect();
  await admin.query(`DROP TABLE IF EXISTS ${TYPES}, ${TEXT_KEYS}, ${ONE_COLUMN}`);
  await admin.query(`CREATE TABLE ${TYPES} (
    id bigint PRIMARY KEY, small smallint, n integer, amount numeric, big bigint, ratio double precision,
    r real, ok boolean, born date, at timestamptz(3), local_at timestamp, t time, name varchar(40),
    body text, photo bytea, doc jsonb, tags text[], u uuid, span interval, "10" integer, "2" text)`);
  // Edge values a row at a time, then many ordinary rows.
  const edges = [
    `1, -32768, -2147483648, 'NaN', -9223372036854775808, 'NaN', 'Infinity', true, 'infinity', 'infinity', '-infinity', '24:00:00', '', E'tab\\there\\nnew\\\\line\\r\\b\\f\\v', '\\x', '{"a": "\\u0001x", "b": [1.5e300, null]}', '{"a\\"b",NULL}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '1 year 2 days', 10, 'two'`,
    `2, 0, 0, '-0.000', 0, '-0', '-Infinity', false, '0099-01-01 BC', '2026-11-26 08:00:00.5+08', '2026-11-26 08:00:00.123456', '08:00:00.5', '\\N', '\\N', '\\x5c4e', 'null', '{}', NULL, '-1 mon', -1, '\\'`,
    `3, NULL, NULL, '12345678901234567890.1234567890', 9223372036854775807, 1e-7, 3.4e38, NULL, '2026-02-28', '1900-01-01 00:00:00+08:05:43', '0001-01-01 00:00:00', NULL, '张三 "引号"', repeat('长文本', 5000), '\\x00ff10', '[1, "二", {"c": true}]', '{"tab\\there","new\\nline"}', NULL, NULL, NULL, NULL`,
    `4, NULL, NULL, '0.10', NULL, 0.1, NULL, NULL, NULL, '2026-11-26 00:00:00+00', NULL, NULL, E'ctl\\x01\\x1f\\x7f 😀', '', NULL, '"just a string"', NULL, NULL, NULL, NULL, ''`,
  ];
  for (const values of edges) await admin.query(`INSERT INTO ${TYPES} VALUES (${values})`);
  await admin.query(`INSERT INTO ${TYPES}
    SELECT g, g % 30000, g * 7, (g * 1.25)::numeric, g::bigint * 1000000007, g / 3.0, g / 7.0, g % 2 = 0,
           date '2000-01-01' + g, timestamptz '2026-01-01 08:00:00+08' + g * interval '1.001 second',
           timestamp '2026-01-01 00:00:00' + g * interval '1 millisecond', time '00:00' + g * interval '1 second',
           'name-' || g, '正文 ' || g || E'\\t"q"', decode(lpad(to_hex(g), 8, '0'), 'hex'), jsonb_build_object('g', g),
           ARRAY['x' || g], NULL, g * interval '1 minute', g, g::text
      FROM generate_series(10, 260) g`);
  await admin.query(`CREATE TABLE ${TEXT_KEYS} (k text, n integer, v text, PRIMARY KEY (k, n))`);
  // Keys that the statement must carry as literals: quotes, backslashes, placeholders, dollar signs.
  const keys = ["a'b", 'c\\d', 'e?f', '$1', 'g\\?h', "'; DROP TABLE x; --", "E'\\x'", '', ' ', '末', '😀'];
  for (const [i, k] of keys.entries()) {
    for (let n = 0; n < 3; n++) {
      await admin.query(`INSERT INTO ${TEXT_KEYS} VALUES ($1, $2, $3)`, [k, n - 1, `${i}:${n}`]);
    }
  }
  await admin.query(`CREATE TABLE ${ONE_COLUMN} (k text PRIMARY KEY)`);
  await admin.query(`INSERT INTO ${ONE_COLUMN} VALUES (''), ('\\N'), ('\\'), (E'\\t'), ('x')`);
});

afterAll(async () => {
  await admin.query(`DROP TABLE IF EXISTS ${TYPES}, ${TEXT_KEYS}, ${ONE_COLUMN}`);
  await admin.end();
});

interface Read {
  bytes: string[];
  lastKeys: unknown[];
  done: boolean[];
}

/** Every chunk of a snapshot of `table`: its change lines as text, last key and `done`. */
async function snapshot(source: SqlSource, table: string, chunkSize: number): Promise<Read> {
  const column = table === TYPES ? 'id' : table === TEXT_KEYS ? 'n' : 'k';
  const capture: CaptureTable = {
    table,

    strategy: { kind: 'incrementing', column },
  };
  const position = await source.watermark(capture);
  const read: Read = { bytes: [], lastKeys: [], done: [] };
  for await (const chunk of source.snapshot(capture, {
    chunkSize,
    position,
  }) as AsyncIterable<SnapshotChunk>) {
    const encoded = encodedChanges(chunk);
    expect(encoded, 'the chunk travels encoded').toBeDefined();
    read.bytes.push(Buffer.from(encoded!.bytes).toString('utf8'));
    read.lastKeys.push(chunk.lastKey);
    read.done.push(chunk.done);
  }
  return read;
}

describe('snapshots read with COPY', () => {
  for (const [table, chunkSize] of [
    [TYPES, 7],
    [TYPES, 1000],
    [TEXT_KEYS, 2],
    [ONE_COLUMN, 2],
  ] as const) {
    it(`hands the sink what SELECT does: ${table}, ${chunkSize} rows per chunk`, async () => {
      // The COPY source counts its COPY statements, to be sure they are what it read with.
      let copies = 0;
      const counting: SqlDialect = {
        ...postgresDialect,
        eachTextRow(...args) {
          copies++;
          return postgresDialect.eachTextRow!(...args);
        },
      };
      const knex = createKnex(postgresKnexConfig({ connection, timeZone: 'Asia/Shanghai' }));
      const viaCopy = createSqlSource({ name: 'postgres', dialect: counting, knex });
      const viaSelect = postgres({ connection, timeZone: 'Asia/Shanghai', copy: false });
      try {
        const [copied, selected] = [
          await snapshot(viaCopy, table, chunkSize),
          await snapshot(viaSelect, table, chunkSize),
        ];
        expect(copied.bytes.join('').length).toBeGreaterThan(0);
        expect(copies).toBe(copied.bytes.length);
        expect(copied).toEqual(selected);
      } finally {
        await viaCopy.close?.();
        await knex.destroy();
        await viaSelect.close?.();
      }
    });
  }

  it('reads incremental batches as SELECT does: incrementing (gaps in the ids) and timestamp', async () => {
    const incremental = async (source: SqlSource, capture: CaptureTable, limit: number) => {
      const read: { bytes: string; position: unknown; more: boolean }[] = [];
      // From the start of the table (a watermark is its current end).
      let position: Position =
        capture.strategy.kind === 'incrementing' ? { last: null, gaps: [] } : { ts: null, key: null };
      for (let more = true; more; ) {
        const batch = await source.changes(capture, position, { limit });
        const encoded = encodedChanges(batch);
        expect(encoded, 'the batch travels encoded').toBeDefined();
        // A gap carries the wall-clock time it was first seen: compared without it.
        const seen = batch.position as { gaps?: unknown[][] };
        const comparable = seen.gaps ? { ...seen, gaps: seen.gaps.map((g) => g.slice(0, 2)) } : seen;
        read.push({
          bytes: Buffer.from(encoded!.bytes).toString('utf8'),
          position: comparable,
          more: batch.more,
        });
        ({ position, more } = batch);
      }
      return read;
    };
    const captures: [CaptureTable, number][] = [
      [{ table: TYPES, strategy: { kind: 'incrementing', column: 'id' } }, 50],
      [{ table: TYPES, strategy: { kind: 'timestamp', column: 'at', lagMs: 0 } }, 33],
    ];
    for (const [capture, limit] of captures) {
      const viaCopy = postgres({ connection, timeZone: 'Asia/Shanghai' });
      const viaSelect = postgres({ connection, timeZone: 'Asia/Shanghai', copy: false });
      try {
        const copied = await incremental(viaCopy, capture, limit);
        expect(copied.length).toBeGreaterThan(2);
        expect(copied).toEqual(await incremental(viaSelect, capture, limit));
      } finally {
        await viaCopy.close?.();
        await viaSelect.close?.();
      }
    }
  });

  it('preflight checks that COPY of a query works, and only then', async () => {
    const capture: CaptureTable = {
      table: TYPES,

      strategy: { kind: 'incrementing', column: 'id' },
    };
    for (const copy of [true, false]) {
      const source = postgres({ connection, copy });
      try {
        const checks = await source.preflight([capture]);
        expect(checks.filter((c) => !c.ok)).toEqual([]);
      } finally {
        await source.close?.();
      }
    }
  });
});

describe('CopyLines', () => {
  // COPY's text format: tab between fields, \N for NULL, backslash escapes; one line per row.
  const output = Buffer.from(
    `${['1\tplain\t\\N', '2\ttab\\there\\\\x\t', '3\t\\N\t\\\\N', '4\toctal \\101\\x42\\v\tend', '', '5\t长\t😀'].join('\n')}\n`,
  );
  const expected = [
    ['1', 'plain', null],
    ['2', 'tab\there\\x', ''],
    ['3', null, '\\N'],
    ['4', 'octal AB\v', 'end'],
    [''],
    ['5', '长', '😀'],
  ];
  const fields = (row: TextRow) =>
    Array.from({ length: row.count }, (_, i) =>
      row.end[i]! < 0 ? null : Buffer.from(row.bytes).toString('utf8', row.start[i]!, row.end[i]!),
    );

  it('splits rows and fields and undoes escapes however the output is cut', () => {
    for (let cut = 0; cut <= output.length; cut++) {
      for (const step of [1, 3, output.length]) {
        const rows: (string | null)[][] = [];
        const lines = new CopyLines((row) => rows.push(fields(row)));
        // Each piece a copy: unescaping happens in place.
        const copy = Buffer.from(output);
        lines.push(copy.subarray(0, cut));
        for (let at = cut; at < copy.length; at += step)
          lines.push(copy.subarray(at, Math.min(copy.length, at + step)));
        lines.end();
        expect(rows, `cut at ${cut}, then ${step}-byte pieces`).toEqual(expected);
      }
    }
  });

  it('replaces bytes that are not UTF-8 as pg does, and refuses output that ends inside a row', () => {
    const rows: (string | null)[][] = [];
    const lines = new CopyLines((row) => rows.push(fields(row)));
    lines.push(Buffer.from([0x31, 0x09, 0xff, 0x41, 0x0a, 0x32, 0x09]));
    expect(rows).toEqual([['1', '\ufffdA']]);
    expect(() => lines.end()).toThrow(expect.objectContaining({ code: 'FERRY_SOURCE_UNAVAILABLE' }));
  });

  it('passes on what onRow throws once the output is complete, reading the rest', () => {
    let seen = 0;
    const lines = new CopyLines(() => {
      seen++;
      throw new Error('sink full');
    });
    lines.push(Buffer.from('1\n2\n'));
    expect(seen).toBe(1);
    expect(() => lines.end()).toThrow('sink full');
  });
});
