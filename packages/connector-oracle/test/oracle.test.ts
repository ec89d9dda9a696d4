import { Decimal, Timestamp } from '@ferry/sdk/changes';
import type { CaptureTable, SourceTable } from '@ferry/sdk/connector';
import { isFerryError } from '@ferry/sdk/errors';
import { describe, expect, it } from 'vitest';
import { describeTable } from '../src/discover.js';
import { flashbackStrategy } from '../src/flashback.js';
import {
  charsetChecks,
  createOracleDialect,
  currentScnSql,
  mapOracleError,
  normalizeNumberText,
  oracle,
  oracleChangelog,
  oracleConnectionOptions,
  oracleDecoder,
  oracleFetchTypeHandler,
  oraclePrivilegeChecks,
  oracleSessionStatements,
  oracleTimestampText,
  rowscnStrategy,
} from '../src/index.js';
import { rowDependencyCheck } from '../src/rowscn.js';
import { context, expectSql, recordingDb } from './harness.js';

const dir = import.meta.dirname;
const dialect = createOracleDialect({ maxLobBytes: 1000 });

// Dictionary rows as ALL_TAB_COLUMNS / ALL_CONSTRAINTS return them for:
// CREATE TABLE FERRY.LICENCE (ID NUMBER(19) PRIMARY KEY, AMOUNT NUMBER, FEE NUMBER(12,2), ISSUED DATE,
//   UPDATED_AT TIMESTAMP(6), SIGNED_AT TIMESTAMP(6) WITH TIME ZONE, SEEN_AT TIMESTAMP(3) WITH LOCAL TIME ZONE,
//   HOLDER VARCHAR2(50 CHAR), NOTES CLOB, PHOTO BLOB, TAG RAW(16)) ROWDEPENDENCIES
const meta: SourceTable = describeTable(
  { qualified: true, owner: 'FERRY', table: 'LICENCE' },
  [
    {
      name: 'ID',
      data_type: 'NUMBER',
      precision: '19',
      scale: '0',
      char_length: '0',
      data_length: '22',
      nullable: 'N',
    },
    {
      name: 'AMOUNT',
      data_type: 'NUMBER',
      precision: null,
      scale: null,
      char_length: '0',
      data_length: '22',
      nullable: 'Y',
    },
    {
      name: 'FEE',
      data_type: 'NUMBER',
      precision: '12',
      scale: '2',
      char_length: '0',
      data_length: '22',
      nullable: 'Y',
    },
    {
      name: 'ISSUED',
      data_type: 'DATE',
      precision: null,
      scale: null,
      char_length: '0',
      data_length: '7',
      nullable: 'Y',
    },
    {
      name: 'UPDATED_AT',
      data_type: 'TIMESTAMP(6)',
      precision: null,
      scale: '6',
      char_length: '0',
      data_length: '11',
      nullable: 'Y',
    },
    {
      name: 'SIGNED_AT',
      data_type: 'TIMESTAMP(6) WITH TIME ZONE',
      precision: null,
      scale: '6',
      char_length: '0',
      data_length: '13',
      nullable: 'Y',
    },
    {
      name: 'SEEN_AT',
      data_type: 'TIMESTAMP(3) WITH LOCAL TIME ZONE',
      precision: null,
      scale: '3',
      char_length: '0',
      data_length: '11',
      nullable: 'Y',
    },
    {
      name: 'HOLDER',
      data_type: 'VARCHAR2',
      precision: null,
      scale: null,
      char_length: '50',
      data_length: '200',
      nullable: 'Y',
    },
    {
      name: 'NOTES',
      data_type: 'CLOB',
      precision: null,
      scale: null,
      char_length: '0',
      data_length: '4000',
      nullable: 'Y',
    },
    {
      name: 'PHOTO',
      data_type: 'BLOB',
      precision: null,
      scale: null,
      char_length: '0',
      data_length: '4000',
      nullable: 'Y',
    },
    {
      name: 'TAG',
      data_type: 'RAW',
      precision: null,
      scale: null,
      char_length: '0',
      data_length: '16',
      nullable: 'Y',
    },
  ],
  [{ name: 'ID' }],
  [{ name: 'ID' }],
);
const col = (name: string) => meta.columns.find((c) => c.name === name)!;

describe('oracle discovery and types', () => {
  it('maps dictionary rows to Ferry column types', () => {
    expect(meta.name).toBe('FERRY.LICENCE');
    expect(meta.columns.map((c) => [c.name, c.type, c.nativeType])).toEqual([
      ['ID', 'bigint', 'NUMBER(19,0)'],
      ['AMOUNT', 'decimal', 'NUMBER'],
      ['FEE', 'decimal', 'NUMBER(12,2)'],
      ['ISSUED', 'timestamp', 'DATE'],
      ['UPDATED_AT', 'timestamp', 'TIMESTAMP(6)'],
      ['SIGNED_AT', 'timestamptz', 'TIMESTAMP(6) WITH TIME ZONE'],
      ['SEEN_AT', 'timestamptz', 'TIMESTAMP(3) WITH LOCAL TIME ZONE'],
      ['HOLDER', 'string', 'VARCHAR2(50)'],
      ['NOTES', 'text', 'CLOB'],
      ['PHOTO', 'binary', 'BLOB'],
      ['TAG', 'binary', 'RAW(16)'],
    ]);
  });

  it('selects date-times as text with explicit formats (no NLS or client-zone dependence)', () => {
    const table = context(
      dialect,
      meta,
      { table: 'FERRY.LICENCE', strategy: { kind: 'incrementing' } },
      recordingDb(() => []).db,
    ).table;
    expectSql(dir, 'select-list', table.selectList('t'));
  });

  // node-oracledb returns NUMBER as a string when fetched as STRING (fetchTypeHandler), Buffers for RAW and
  // BLOB fetched as BUFFER, strings for CLOB fetched as STRING (node-oracledb user guide, "Fetching LOBs as
  // Strings or Buffers" and "Fetch Type Handlers"); these are the shapes decoded here.
  it('decodes the value shapes node-oracledb returns with the connector settings', () => {
    expect(oracleDecoder(col('ID'))('9223372036854775807')).toBe(9223372036854775807n);
    expect(oracleDecoder(col('AMOUNT'))('12345678901234567890.123456789')).toEqual(
      new Decimal('12345678901234567890.123456789'),
    );
    expect(oracleDecoder(col('AMOUNT'))('.5')).toEqual(new Decimal('0.5'));
    expect(oracleDecoder(col('AMOUNT'))('-1.25E+30')).toEqual(
      new Decimal('-1250000000000000000000000000000'),
    );
    expect(oracleDecoder(col('FEE'))('12.5')).toEqual(new Decimal('12.50'));
    expect(oracleDecoder(col('ISSUED'))('2026-11-26 08:00:00')).toEqual(new Timestamp('2026-11-26T08:00:00'));
    expect(oracleDecoder(col('UPDATED_AT'))('2026-11-26 08:00:00.123456')).toEqual(
      new Timestamp('2026-11-26T08:00:00.123456'),
    );
    expect(oracleDecoder(col('SIGNED_AT'))('2026-11-26 08:00:00.123456+08:00')).toEqual(
      new Timestamp('2026-11-26T08:00:00.123456+08:00'),
    );
    expect(oracleDecoder(col('SEEN_AT'))('2026-11-26 00:00:00.123Z')).toEqual(
      new Timestamp('2026-11-26T00:00:00.123Z'),
    );
    expect(oracleDecoder(col('HOLDER'))('张三（经办）')).toBe('张三（经办）');
    expect(oracleDecoder(col('TAG'))(Buffer.from([0, 255, 16]))).toEqual(new Uint8Array([0, 255, 16]));
    expect(oracleDecoder(col('NOTES'))(null)).toBeNull();
  });

  it('refuses shapes that would lose fidelity, and LOBs above the bound', () => {
    expect(() => oracleDecoder(col('UPDATED_AT'))(new Date())).toThrow(/JS Date/);
    expect(() => oracleDecoder(col('AMOUNT'))(0.1)).toThrow(/JS number/);
    const lob = { type: 2017, getData: async () => '' }; // a node-oracledb Lob
    expect(() => oracleDecoder(col('NOTES'))(lob)).toThrow(/Lob/);
    expect(() => dialect.decode('x'.repeat(1001), col('NOTES'))).toThrow(/maxLobBytes/);
    expect(() => dialect.decode(Buffer.alloc(1001), col('PHOTO'))).toThrow(/maxLobBytes/);
  });

  it('normalizes NUMBER text forms', () => {
    expect(normalizeNumberText('-.5')).toBe('-0.5');
    expect(normalizeNumberText('1e-7')).toBe('0.0000001');
    expect(normalizeNumberText('100')).toBe('100');
    expect(normalizeNumberText('-0')).toBe('0');
    expect(normalizeNumberText('abc')).toBeUndefined();
  });

  it('binds timestamps with nine fraction digits and the offset', () => {
    expect(oracleTimestampText(new Timestamp('2026-11-26T08:00:00.123+08:00'), true)).toBe(
      '2026-11-26 08:00:00.123000000+08:00',
    );
    expect(oracleTimestampText(new Timestamp('2026-11-26T08:00:00Z'), true)).toBe(
      '2026-11-26 08:00:00.000000000+00:00',
    );
    expect(dialect.encodeParam(new Timestamp('2026-11-26T08:00:00'), col('ISSUED'))).toBe(
      '2026-11-26 08:00:00',
    );
    expect(dialect.param(col('SIGNED_AT'))).toBe(`TO_TIMESTAMP_TZ(?, 'YYYY-MM-DD HH24:MI:SS.FF9TZH:TZM')`);
  });

  it('fetch type handler: NUMBER, date-times and CLOBs as strings, BLOBs as Buffers, nothing global', () => {
    const types = {
      DB_TYPE_NUMBER: 'n',
      DB_TYPE_CLOB: 'c',
      DB_TYPE_NCLOB: 'nc',
      DB_TYPE_BLOB: 'b',
      DB_TYPE_DATE: 'd',
      DB_TYPE_TIMESTAMP: 't',
      DB_TYPE_TIMESTAMP_TZ: 'tz',
      DB_TYPE_TIMESTAMP_LTZ: 'ltz',
      STRING: 'S',
      BUFFER: 'B',
    };
    const handler = oracleFetchTypeHandler(types);
    expect(handler({ dbType: 'n' })).toEqual({ type: 'S' });
    expect(handler({ dbType: 'nc' })).toEqual({ type: 'S' });
    expect(handler({ dbType: 'b' })).toEqual({ type: 'B' });
    expect(handler({ dbType: 'raw' })).toBeUndefined();
    expect(oracleSessionStatements('Asia/Shanghai').at(-1)).toBe(
      `ALTER SESSION SET TIME_ZONE = 'Asia/Shanghai'`,
    );
    expect(oracleConnectionOptions('oracle://ferry:p%40ss@db.example:1521/ORCLPDB1')).toEqual({
      user: 'ferry',
      password: 'p@ss',
      connectString: 'db.example:1521/ORCLPDB1',
    });
  });
});

const rowscn: CaptureTable = {
  table: 'FERRY.LICENCE',
  strategy: { kind: 'rowscn', consistentSnapshot: true } as never,
};
const flashback: CaptureTable = { table: 'FERRY.LICENCE', strategy: { kind: 'flashback' } as never };

describe('oracle rowscn strategy', () => {
  it('reads the current SCN before the read and bounds the read by it', async () => {
    const { db, log } = recordingDb((sql) => (sql.includes('V$DATABASE') ? [{ scn: '5000' }] : []));
    const ctx = context(dialect, meta, rowscn, db);
    const read = await rowscnStrategy().changes(
      ctx,
      { scn: '4000', upTo: null, afterScn: null, afterKey: null },
      2,
    );
    expect(log.map((l) => l.sql)).toEqual([
      currentScnSql('v$database'),
      expect.stringContaining('ORA_ROWSCN > ?'),
    ]);
    expectSql(dir, 'rowscn-page', log[1]!.sql);
    expect(log[1]!.bindings).toEqual(['4000', '5000']);
    expect(read.position).toEqual({ scn: '5000', upTo: null, afterScn: null, afterKey: null });
    expect(currentScnSql('dbms_flashback')).toBe(
      'SELECT DBMS_FLASHBACK.GET_SYSTEM_CHANGE_NUMBER AS "scn" FROM DUAL',
    );
  });

  it('pages within a pass after (scn, key) and keeps the bound', async () => {
    const rows = [
      { ID: '7', __ferry_scn: '4100' },
      { ID: '9', __ferry_scn: '4100' },
    ];
    const { db, log } = recordingDb(() => rows);
    const ctx = context(dialect, meta, rowscn, db);
    const first = await rowscnStrategy().changes(
      ctx,
      { scn: '4000', upTo: '5000', afterScn: null, afterKey: null },
      2,
    );
    expect(first.more).toBe(true);
    expect(first.position).toMatchObject({ scn: '4000', upTo: '5000', afterScn: '4100' });
    await rowscnStrategy().changes(ctx, first.position, 2);
    expectSql(dir, 'rowscn-after', log[1]!.sql);
    expect(log[1]!.bindings).toEqual(['4000', '5000', '4100', '4100', '9']);
  });

  it('snapshot reads AS OF SCN the watermark when consistentSnapshot is set', () => {
    const ctx = context(dialect, meta, rowscn, recordingDb(() => []).db);
    expect(rowscnStrategy().snapshotFrom!(ctx, { scn: '5000' })).toEqual({
      sql: '"FERRY"."LICENCE" AS OF SCN ?',
      bindings: ['5000'],
    });
  });

  it('warns about block-level SCNs on tables without ROWDEPENDENCIES', () => {
    const [, check] = rowDependencyCheck('FERRY.LICENCE', 'DISABLED');
    expect(check).toMatchObject({ ok: false, severity: 'warning' });
    expect(check!.message).toMatch(/unchanged rows sharing a block.*cannot be altered/);
    expect(rowDependencyCheck('FERRY.LICENCE', 'ENABLED')[1]!.ok).toBe(true);
  });
});

describe('oracle flashback strategy', () => {
  it('reads versions between the cursor and the current SCN, deletes and key changes included', async () => {
    const rows = [
      { ID: '3', __ferry_k0: '3', __ferry_p0: '3', __ferry_scn: '5001', __ferry_op: 'D', __ferry_rank: '0' },
      {
        ID: '12',
        HOLDER: '李四',
        __ferry_k0: '12',
        __ferry_p0: '11',
        __ferry_scn: '5002',
        __ferry_op: 'U',
        __ferry_rank: '1',
      },
      {
        ID: '20',
        HOLDER: '王五',
        __ferry_k0: '20',
        __ferry_p0: null,
        __ferry_scn: '5003',
        __ferry_op: 'I',
        __ferry_rank: '1',
      },
    ];
    const { db, log } = recordingDb((sql) => (sql.includes('V$DATABASE') ? [{ scn: '6000' }] : rows));
    const ctx = context(dialect, meta, flashback, db);
    const read = await flashbackStrategy().changes(
      ctx,
      { scn: '5000', upTo: null, afterScn: null, afterKey: null, afterRank: null },
      10,
    );
    expectSql(dir, 'flashback-versions', log[1]!.sql);
    expect(log[1]!.bindings).toEqual(['5000', '6000', '5000', '6000']);
    expect(read.changes.map((c) => [c.op, c.key.ID])).toEqual([
      ['delete', 3n],
      ['delete', 11n],
      ['upsert', 12n],
      ['upsert', 20n],
    ]);
    expect(read.position).toEqual({
      scn: '6000',
      upTo: null,
      afterScn: null,
      afterKey: null,
      afterRank: null,
    });
  });

  // Error shapes as node-oracledb builds them: errorNum from the server, code from the message prefix.
  for (const [errorNum, text] of [
    [
      1555,
      'ORA-01555: snapshot too old: rollback segment number 9 with name "_SYSSMU9_1650507619$" too small',
    ],
    [8181, 'ORA-08181: specified number is not a valid system change number'],
    [30052, 'ORA-30052: invalid lower limit snapshot expression'],
  ] as const) {
    it(`maps ORA-${String(errorNum).padStart(5, '0')} to FERRY_CURSOR_EXPIRED`, async () => {
      const err = Object.assign(new Error(text), { errorNum, code: text.slice(0, 9), offset: 0 });
      const { db } = recordingDb((sql) => (sql.includes('V$DATABASE') ? [{ scn: '6000' }] : err));
      const ctx = context(dialect, meta, flashback, db);
      const failure = await flashbackStrategy()
        .changes(ctx, { scn: '5000', upTo: null }, 10)
        .catch((e: unknown) => e);
      expect(isFerryError(failure) && failure.code).toBe('FERRY_CURSOR_EXPIRED');
      expect((failure as Error).cause).toBe(err);
    });
  }

  it('leaves other errors alone', () => {
    const err = Object.assign(new Error('ORA-00942: table or view does not exist'), {
      errorNum: 942,
      code: 'ORA-00942',
    });
    expect(mapOracleError(err, 'T')).toBe(err);
  });

  it('snapshot reads AS OF SCN the watermark, so capture continues from exactly that SCN', async () => {
    const { db, log } = recordingDb(() => [{ scn: '7000' }]);
    const ctx = context(dialect, meta, flashback, db);
    const mark = await flashbackStrategy().watermark(ctx);
    expect(log[0]!.sql).toBe('SELECT CURRENT_SCN AS "scn" FROM V$DATABASE');
    expect(flashbackStrategy().snapshotFrom!(ctx, mark)).toEqual({
      sql: '"FERRY"."LICENCE" AS OF SCN ?',
      bindings: ['7000'],
    });
  });
});

describe('oracle cursors', () => {
  const source = oracle({ connection: 'oracle://u:p@127.0.0.1:1/X' });
  it('round-trips SCN positions and rejects foreign ones', () => {
    const position = {
      scn: '18446744073709551617',
      upTo: null,
      afterScn: null,
      afterKey: null,
      afterRank: null,
    };
    const cursor = source.checkpoint.encode({
      phase: 'incremental',
      table: 'FERRY.LICENCE',
      strategy: 'flashback',
      position,
    });
    expect(source.checkpoint.decode(cursor, flashback).position).toEqual(position);
    const bad = source.checkpoint.encode({
      phase: 'incremental',
      table: 'FERRY.LICENCE',
      strategy: 'rowscn',
      position: { scn: 'x' },
    });
    expect(() => source.checkpoint.decode(bad, rowscn)).toThrow(/not an SCN/);
    expect(() => source.checkpoint.decode(cursor, rowscn)).toThrow(/flashback strategy/);
  });
});

describe('oracle change log', () => {
  it('generates a log table, an ORDER sequence and one row trigger', () => {
    const names = {
      schema: 'FERRY',
      table: 'LICENCE',
      logTable: 'LICENCE_ferry_log',
      triggerPrefix: 'LICENCE_ferry',
    };
    expectSql(dir, 'changelog-install', oracleChangelog.install(meta, names, [col('ID')]).join('\n/\n'));
    expectSql(dir, 'changelog-uninstall', oracleChangelog.uninstall(names).join('\n/\n'));
  });
});

describe('oracle preflight', () => {
  const facts = {
    user: 'FERRY_READER',
    owner: 'FERRY',
    table: 'LICENCE',
    sessionPrivileges: ['CREATE SESSION'],
    tablePrivileges: [{ owner: 'FERRY', name: 'LICENCE', privilege: 'SELECT' }],
  };
  it('lists the exact grants flashback needs and which are missing', () => {
    const checks = oraclePrivilegeChecks(flashback, facts);
    expect(checks.map((c) => [c.check, c.ok])).toEqual([
      ['select-privilege', true],
      ['scn-privilege', false],
      ['flashback-privilege', false],
    ]);
    expect(checks[1]!.message).toContain('GRANT SELECT ON SYS.V_$DATABASE TO FERRY_READER');
    expect(checks[2]!.message).toContain('GRANT FLASHBACK ON "FERRY"."LICENCE" TO FERRY_READER');
  });
  it('accepts grants through roles (ROLE_TAB_PRIVS) and system privileges', () => {
    const checks = oraclePrivilegeChecks(
      { table: 'FERRY.LICENCE', strategy: { kind: 'rowscn', scnSource: 'dbms_flashback' } as never },
      {
        ...facts,
        tablePrivileges: [
          ...facts.tablePrivileges,
          { owner: 'SYS', name: 'DBMS_FLASHBACK', privilege: 'EXECUTE' },
        ],
      },
    );
    expect(checks.every((c) => c.ok)).toBe(true);
    const flashbackAny = oraclePrivilegeChecks(flashback, {
      ...facts,
      sessionPrivileges: ['FLASHBACK ANY TABLE', 'SELECT ANY DICTIONARY'],
    });
    expect(flashbackAny.every((c) => c.ok)).toBe(true);
  });
  it('needs the ANY privileges to install a change log in another schema', () => {
    const checks = oraclePrivilegeChecks(
      { table: 'FERRY.LICENCE', strategy: { kind: 'changelog', install: true } },
      facts,
    );
    expect(checks.filter((c) => !c.ok).map((c) => c.message.split(':')[0])).toEqual([
      'missing CREATE ANY TABLE (change log table in schema FERRY)',
      'missing CREATE ANY SEQUENCE (change log sequence in schema FERRY)',
      'missing CREATE ANY TRIGGER (change log trigger in schema FERRY)',
    ]);
  });
  it('reports character sets, and refuses diff on a text key in ZHS16GBK', () => {
    const gbk = charsetChecks(
      { table: 'T', strategy: { kind: 'diff' }, key: ['HOLDER'] },
      meta,
      'ZHS16GBK',
      'AL16UTF16',
    );
    expect(gbk.map((c) => [c.check, c.ok])).toEqual([
      ['charset', true],
      ['diff-key-order', false],
    ]);
    expect(
      charsetChecks({ table: 'T', strategy: { kind: 'diff' } }, meta, 'AL32UTF8', 'UTF8')[1],
    ).toMatchObject({ severity: 'warning' });
  });
});
