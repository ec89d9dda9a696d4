import { Decimal, Timestamp } from '@ferry/sdk/changes';
import type { CaptureTable, SourceTable } from '@ferry/sdk/connector';
import { isFerryError } from '@ferry/sdk/errors';
import { describe, expect, it } from 'vitest';
import { cdcChangesStatement, lsnBoundsSql } from '../src/cdc.js';
import { ctVersionsSql } from '../src/change-tracking.js';
import { describeTable } from '../src/discover.js';
import {
  cdcStrategy,
  changeTrackingStrategy,
  chooseInstance,
  mapMssqlError,
  mssql,
  mssqlChangelog,
  mssqlConnectionOptions,
  mssqlDialect,
  mssqlStrategyChecks,
  nextRowversion,
  rowversionStrategy,
} from '../src/index.js';
import { context, expectSql, recordingDb } from './harness.js';

const dir = import.meta.dirname;

// sys.columns/sys.types rows (max_length in bytes: nvarchar(50) = 100) for:
// CREATE TABLE dbo.licence (id bigint PRIMARY KEY, amount decimal(38,10), fee money, issued datetime2(7),
//   signed_at datetimeoffset(7), holder nvarchar(50), legacy_name varchar(40) COLLATE Chinese_PRC_CI_AS,
//   uid uniqueidentifier, photo varbinary(max), rv rowversion)
const meta: SourceTable = describeTable(
  { requested: 'dbo.licence', schema: 'dbo', table: 'licence' },
  [
    {
      name: 'id',
      data_type: 'bigint',
      max_length: 8,
      precision: 19,
      scale: 0,
      nullable: false,
      collation: null,
    },
    {
      name: 'amount',
      data_type: 'decimal',
      max_length: 17,
      precision: 38,
      scale: 10,
      nullable: true,
      collation: null,
    },
    {
      name: 'fee',
      data_type: 'money',
      max_length: 8,
      precision: 19,
      scale: 4,
      nullable: true,
      collation: null,
    },
    {
      name: 'issued',
      data_type: 'datetime2',
      max_length: 8,
      precision: 27,
      scale: 7,
      nullable: true,
      collation: null,
    },
    {
      name: 'signed_at',
      data_type: 'datetimeoffset',
      max_length: 10,
      precision: 34,
      scale: 7,
      nullable: true,
      collation: null,
    },
    {
      name: 'holder',
      data_type: 'nvarchar',
      max_length: 100,
      precision: 0,
      scale: 0,
      nullable: true,
      collation: 'Chinese_PRC_CI_AS',
    },
    {
      name: 'legacy_name',
      data_type: 'varchar',
      max_length: 40,
      precision: 0,
      scale: 0,
      nullable: true,
      collation: 'Chinese_PRC_CI_AS',
    },
    {
      name: 'uid',
      data_type: 'uniqueidentifier',
      max_length: 16,
      precision: 0,
      scale: 0,
      nullable: true,
      collation: null,
    },
    {
      name: 'photo',
      data_type: 'varbinary',
      max_length: -1,
      precision: 0,
      scale: 0,
      nullable: true,
      collation: null,
    },
    {
      name: 'rv',
      data_type: 'timestamp',
      max_length: 8,
      precision: 0,
      scale: 0,
      nullable: false,
      collation: null,
    },
  ],
  [{ name: 'id', pos: 1, is_primary: true }],
);
const col = (name: string) => meta.columns.find((c) => c.name === name)!;
const ct: CaptureTable = { table: 'dbo.licence', strategy: { kind: 'change-tracking' } as never };
const cdc: CaptureTable = { table: 'dbo.licence', strategy: { kind: 'cdc' } as never };
const rv: CaptureTable = { table: 'dbo.licence', strategy: { kind: 'rowversion', column: 'rv' } as never };

describe('mssql types', () => {
  it('maps catalog rows and selects exact numbers and date-times as text', () => {
    expect(meta.columns.map((c) => [c.name, c.type, c.nativeType])).toEqual([
      ['id', 'bigint', 'bigint'],
      ['amount', 'decimal', 'decimal(38,10)'],
      ['fee', 'decimal', 'money'],
      ['issued', 'timestamp', 'datetime2(7)'],
      ['signed_at', 'timestamptz', 'datetimeoffset(7)'],
      ['holder', 'string', 'nvarchar(50)'],
      ['legacy_name', 'string', 'varchar(40)'],
      ['uid', 'uuid', 'uniqueidentifier'],
      ['photo', 'binary', 'varbinary(max)'],
      ['rv', 'binary', 'timestamp'],
    ]);
    const table = context(mssqlDialect, meta, ct, recordingDb(() => []).db).table;
    expectSql(dir, 'select-list', table.selectList('t'));
  });

  // tedious result types (tedious src/data-type.ts table): bigint → string, decimal/numeric/money → number
  // (hence selected as text here), datetime2/datetimeoffset → Date (hence text), uniqueidentifier → string,
  // varbinary → Buffer, nvarchar/varchar → string decoded with the column collation's code page.
  it('decodes the value shapes tedious returns for the connector select list', () => {
    const d = (name: string, v: unknown) => mssqlDialect.decode(v, col(name));
    expect(d('id', '9223372036854775807')).toBe(9223372036854775807n);
    expect(d('amount', '12345678901234567890.1234567890')).toEqual(
      new Decimal('12345678901234567890.1234567890'),
    );
    expect(d('fee', '1234.5678')).toEqual(new Decimal('1234.5678'));
    expect(d('issued', '2026-11-26 08:00:00.1234567')).toEqual(new Timestamp('2026-11-26T08:00:00.1234567'));
    expect(d('signed_at', '2026-11-26 08:00:00.1234567+08:00')).toEqual(
      new Timestamp('2026-11-26T08:00:00.1234567+08:00'),
    );
    expect(d('legacy_name', '张三')).toBe('张三');
    expect(d('uid', '6F9619FF-8B86-D011-B42D-00C04FC964FF')).toBe('6F9619FF-8B86-D011-B42D-00C04FC964FF');
    expect(d('photo', Buffer.from([0, 255]))).toEqual(new Uint8Array([0, 255]));
  });

  it('refuses a JS number for a decimal and a JS Date for a datetime2 (precision would be lost)', () => {
    expect(() => mssqlDialect.decode(0.1, col('amount'))).toThrow(/JS number/);
    expect(() => mssqlDialect.decode(new Date(), col('issued'))).toThrow(/JS Date/);
  });

  it('binds keys through typed CASTs and orders text by code point', () => {
    expect(mssqlDialect.param(col('amount'))).toBe('CAST(? AS decimal(38, 10))');
    expect(mssqlDialect.param(col('issued'))).toBe('CAST(? AS datetime2(7))');
    expect(mssqlDialect.param(col('legacy_name'))).toBe('CAST(? AS varchar(40))');
    expect(mssqlDialect.binaryOrder(col('holder'), 't.[holder]')).toBe(
      'CAST(t.[holder] AS nvarchar(max)) COLLATE Latin1_General_100_BIN2',
    );
    expect(mssqlConnectionOptions('mssql://sa:p%40ss@db:1433/licences?trustServerCertificate=true')).toEqual({
      server: 'db',
      port: 1433,
      user: 'sa',
      password: 'p@ss',
      database: 'licences',
      options: { trustServerCertificate: true },
    });
  });
});

describe('mssql change tracking', () => {
  it('reads bounds and changes in one SNAPSHOT transaction, deletes by key', async () => {
    const { db, log } = recordingDb((sql) =>
      sql.startsWith('SELECT CHANGE_TRACKING_CURRENT_VERSION()')
        ? [{ current: '120', min_valid: '90' }]
        : [
            { __ferry_version: '101', __ferry_op: 'D', __ferry_k0: '5', __ferry_found: 0, id: null },
            {
              __ferry_version: '102',
              __ferry_op: 'U',
              __ferry_k0: '6',
              __ferry_found: 1,
              id: '6',
              holder: '张三',
              amount: '1.5000000000',
            },
          ],
    );
    const ctx = context(mssqlDialect, meta, ct, db);
    const read = await changeTrackingStrategy().changes(
      ctx,
      { version: '100', upTo: null, afterVersion: null, afterKey: null },
      10,
    );
    expect(log.map((l) => l.sql)).toEqual([
      '-- transaction {"isolationLevel":"snapshot"}',
      ctVersionsSql(),
      expect.stringMatching(/^SELECT ct\.SYS_CHANGE_VERSION/),
    ]);
    expect(log[1]!.bindings).toEqual(['[dbo].[licence]']);
    expectSql(dir, 'change-tracking-page', log[2]!.sql);
    expect(log[2]!.bindings).toEqual(['120']);
    expect(read.changes.map((c) => [c.op, c.key.id])).toEqual([
      ['delete', 5n],
      ['upsert', 6n],
    ]);
    expect(read.position).toEqual({ version: '120', upTo: null, afterVersion: null, afterKey: null });
  });

  it('expires a cursor below CHANGE_TRACKING_MIN_VALID_VERSION', async () => {
    const { db } = recordingDb(() => [{ current: '500', min_valid: '300' }]);
    const ctx = context(mssqlDialect, meta, ct, db);
    const failure = await changeTrackingStrategy()
      .changes(ctx, { version: '100' }, 10)
      .catch((e: unknown) => e);
    expect(isFerryError(failure) && failure.code).toBe('FERRY_CURSOR_EXPIRED');
    expect((failure as Error).message).toMatch(/below CHANGE_TRACKING_MIN_VALID_VERSION 300/);
  });

  // tedious RequestError: message, code 'EREQUEST', number, state, class, serverName, procName, lineNumber.
  it('maps error 22105 (change tracking not enabled) to FERRY_CURSOR_EXPIRED', async () => {
    const err = Object.assign(new Error("Change tracking is not enabled on table 'licence'."), {
      code: 'EREQUEST',
      number: 22105,
      state: 1,
      class: 16,
    });
    const { db } = recordingDb(() => err);
    const ctx = context(mssqlDialect, meta, ct, db);
    const failure = await changeTrackingStrategy()
      .changes(ctx, { version: '100' }, 10)
      .catch((e: unknown) => e);
    expect(isFerryError(failure) && failure.code).toBe('FERRY_CURSOR_EXPIRED');
    const other = Object.assign(new Error('Invalid column name'), { number: 207 });
    expect(mapMssqlError(other, 't')).toBe(other);
  });
});

describe('mssql cdc', () => {
  const instances = [
    { name: 'dbo_licence', start_lsn: '0x0000002A000001F00003', create_date: '2026-01-01T00:00:00' },
  ];
  it('reads all changes between increment_lsn(last) and max_lsn in LSN order', async () => {
    const { db, log } = recordingDb((sql) => {
      if (sql.includes('cdc.change_tables')) return instances;
      if (sql.includes('fn_cdc_get_min_lsn'))
        return [
          {
            min_lsn: '0x0000002A000001F00003',
            max_lsn: '0x0000003000000100000A',
            from_lsn: '0x0000002B000000100001',
          },
        ];
      return [
        {
          __ferry_lsn: '0x0000002B000000100001',
          __ferry_seq: '0x0000002B000000100002',
          __ferry_op: 1,
          id: '5',
        },
        {
          __ferry_lsn: '0x0000002C000000100001',
          __ferry_seq: '0x0000002C000000100002',
          __ferry_op: 2,
          id: '6',
          holder: '李四',
        },
        {
          __ferry_lsn: '0x0000002D000000100001',
          __ferry_seq: '0x0000002D000000100002',
          __ferry_op: 4,
          id: '6',
          holder: '王五',
        },
      ];
    });
    const ctx = context(mssqlDialect, meta, cdc, db);
    const read = await cdcStrategy().changes(
      ctx,
      { instance: 'dbo_licence', lsn: '0x0000002B000000100000', upTo: null },
      10,
    );
    expect(log[1]!.sql).toBe(lsnBoundsSql(true));
    expectSql(dir, 'cdc-bounds', log[1]!.sql);
    expectSql(dir, 'cdc-page', log[2]!.sql);
    expect(log[2]!.bindings).toEqual(['0x0000002B000000100001', '0x0000003000000100000A']);
    expect(read.changes.map((c) => [c.op, c.key.id, c.op === 'upsert' ? c.row.holder : undefined])).toEqual([
      ['delete', 5n, undefined],
      ['upsert', 6n, '李四'],
      ['upsert', 6n, '王五'],
    ]);
    expect(read.position).toMatchObject({
      instance: 'dbo_licence',
      lsn: '0x0000003000000100000A',
      upTo: null,
    });
  });

  it('pages after (start_lsn, seqval) within a pass', () => {
    const ctx = context(mssqlDialect, meta, cdc, recordingDb(() => []).db);
    const s = cdcChangesStatement(
      ctx,
      'dbo_licence',
      { afterLsn: '0x0000002C000000100001', afterSeq: '0x0000002C000000100002' },
      '0x01',
      '0x02',
      2,
    );
    expectSql(dir, 'cdc-page-after', s.sql);
  });

  it('expires a cursor behind the cleanup and when the capture instance changed after DDL', async () => {
    const { db } = recordingDb((sql) =>
      sql.includes('cdc.change_tables')
        ? instances
        : [
            {
              min_lsn: '0x0000003000000000000A',
              max_lsn: '0x0000003100000000000A',
              from_lsn: '0x0000002B000000100001',
            },
          ],
    );
    const ctx = context(mssqlDialect, meta, cdc, db);
    const failure = await cdcStrategy()
      .changes(ctx, { instance: 'dbo_licence', lsn: '0x0000002B000000100000' }, 10)
      .catch((e: unknown) => e);
    expect(isFerryError(failure) && failure.code).toBe('FERRY_CURSOR_EXPIRED');
    const two = [
      { name: 'dbo_licence', startLsn: '0x01', createDate: '2026-01-01' },
      { name: 'dbo_licence_v2', startLsn: '0x02', createDate: '2026-03-01' },
    ];
    expect(() => chooseInstance('dbo.licence', two, undefined, 'dbo_licence')).toThrow(
      /new CDC capture instance dbo_licence_v2 replaced dbo_licence/,
    );
    expect(chooseInstance('dbo.licence', two, 'dbo_licence', 'dbo_licence').name).toBe('dbo_licence');
    expect(() => chooseInstance('dbo.licence', two.slice(1), undefined, 'dbo_licence')).toThrow(
      /no longer exists/,
    );
    const e313 = Object.assign(
      new Error(
        'An insufficient number of arguments were supplied for the procedure or function cdc.fn_cdc_get_all_changes_ ... .',
      ),
      { number: 313, class: 16 },
    );
    expect(isFerryError(mapMssqlError(e313, 'dbo.licence'))).toBe(true);
  });
});

describe('mssql rowversion', () => {
  it('reads below MIN_ACTIVE_ROWVERSION and continues after the last value', async () => {
    const { db, log } = recordingDb(() => [{ id: '1', __ferry_rv: '0x00000000000007D1' }]);
    const ctx = context(mssqlDialect, meta, rv, db);
    const read = await rowversionStrategy().changes(ctx, { from: '0x00000000000007D0' }, 10);
    expectSql(dir, 'rowversion-page', log[0]!.sql);
    expect(read.position).toEqual({ from: '0x00000000000007D2' });
    expect(nextRowversion('0x00000000000000FF')).toBe('0x0000000000000100');
  });
});

describe('mssql cursors and change log', () => {
  it('round-trips positions and rejects malformed ones', () => {
    const source = mssql({ connection: 'mssql://u:p@127.0.0.1:1/x' });
    const position = {
      instance: 'dbo_licence',
      lsn: '0x0000002B000000100000',
      upTo: null,
      afterLsn: null,
      afterSeq: null,
    };
    const cursor = source.checkpoint.encode({
      phase: 'incremental',
      table: 'dbo.licence',
      strategy: 'cdc',
      position,
    });
    expect(source.checkpoint.decode(cursor, cdc).position).toEqual(position);
    const bad = source.checkpoint.encode({
      phase: 'incremental',
      table: 'dbo.licence',
      strategy: 'change-tracking',
      position: { version: '-1' },
    });
    expect(() => source.checkpoint.decode(bad, ct)).toThrow(/not a change tracking version/);
  });
  it('generates the log table and one trigger handling multi-row statements', () => {
    const names = {
      schema: 'dbo',
      table: 'licence',
      logTable: 'licence_ferry_log',
      triggerPrefix: 'licence_ferry',
    };
    expectSql(dir, 'changelog-install', mssqlChangelog.install(meta, names, [col('id')]).join('\nGO\n'));
  });
});

describe('mssql preflight', () => {
  it('change tracking: database, table, snapshot isolation and VIEW CHANGE TRACKING', () => {
    const checks = mssqlStrategyChecks(ct, {
      database: 'licences',
      snapshotIsolationState: 0,
      ctDatabase: null,
      ctTable: false,
      canSelect: true,
      canViewChangeTracking: false,
    });
    expect(checks.filter((c) => !c.ok).map((c) => c.check)).toEqual([
      'change-tracking-database',
      'change-tracking-table',
      'snapshot-isolation',
      'change-tracking-privilege',
    ]);
    expect(checks.find((c) => c.check === 'snapshot-isolation')!.message).toContain(
      'ALTER DATABASE [licences] SET ALLOW_SNAPSHOT_ISOLATION ON',
    );
  });
  it('cdc: reports SQL Server Agent as unknown when VIEW SERVER STATE is missing', () => {
    const checks = mssqlStrategyChecks(cdc, {
      database: 'licences',
      cdcEnabled: true,
      cdcTable: true,
      canSelect: true,
    });
    expect(checks.find((c) => c.check === 'sql-server-agent')).toMatchObject({
      ok: false,
      severity: 'warning',
    });
    const stopped = mssqlStrategyChecks(cdc, {
      database: 'licences',
      cdcEnabled: true,
      cdcTable: true,
      agent: 'stopped',
    });
    expect(stopped.find((c) => c.check === 'sql-server-agent')).toMatchObject({ ok: false });
    expect(stopped.find((c) => c.check === 'sql-server-agent')!.severity).toBeUndefined();
  });
});
