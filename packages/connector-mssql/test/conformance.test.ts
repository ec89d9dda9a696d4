import { DateOnly, Decimal, Timestamp } from '@ferry/sdk/changes';
import { testSqlConnector } from '@ferry/test-utils';
import { describe, it } from 'vitest';
import { mssql } from '../src/index.js';

// No SQL Server runs here or in CI: the suite runs only when FERRY_TEST_MSSQL_URL names one, e.g.
// mssql://sa:Ferry_2026!@127.0.0.1:1433/ferry?trustServerCertificate=true
// (docker run -p 1433:1433 -e ACCEPT_EULA=Y -e MSSQL_SA_PASSWORD=… mcr.microsoft.com/mssql/server:2022-latest).
const connection = process.env.FERRY_TEST_MSSQL_URL;

if (!connection) {
  console.warn('skipping mssql conformance: set FERRY_TEST_MSSQL_URL (see examples/mssql-daemon/README.md)');
  describe.skip('mssql conformance (set FERRY_TEST_MSSQL_URL)', () =>
    it('needs a SQL Server', () => undefined));
} else {
  await testSqlConnector({
    name: 'mssql',
    server: `SQL Server at ${connection.replace(/:[^:@/]*@/, ':***@')}`,
    startHint:
      'docker run -d -p 1433:1433 -e ACCEPT_EULA=Y -e MSSQL_SA_PASSWORD=… mcr.microsoft.com/mssql/server:2022-latest',
    connect: (options) => mssql({ connection, ...options }),
    sql: {
      serialKey: 'bigint IDENTITY(1,1) PRIMARY KEY',
      bigint: 'bigint',
      text: 'nvarchar(max)',
      timestamp: 'datetime2(6)',
      now: 'SYSDATETIME()',
      dropTable: (name) => `DROP TABLE IF EXISTS ${name}`,
      logsTruncate: false,
      typeRoundTrip: {
        columns:
          'id bigint PRIMARY KEY, amount decimal(38,10), big bigint, at datetimeoffset(7), local_at datetime2(7), born date, photo varbinary(max), long_text nvarchar(max), name varchar(20) COLLATE Chinese_PRC_CI_AS, fee money, uid uniqueidentifier',
        insert: (table) =>
          `INSERT INTO ${table} VALUES (1, 12345678901234567890.1234567890, 9223372036854775807, '2026-11-26 08:00:00.1234567 +08:00', '2026-11-26 08:00:00.7654321', '1990-01-31', 0x00FF10, REPLICATE(CAST(N'长文本' AS nvarchar(max)), 50000), '张三', 1234.5678, '6F9619FF-8B86-D011-B42D-00C04FC964FF')`,
        expected: {
          id: 1n,
          amount: new Decimal('12345678901234567890.1234567890'),
          big: 9223372036854775807n,
          at: new Timestamp('2026-11-26T08:00:00.1234567+08:00'),
          local_at: new Timestamp('2026-11-26T08:00:00.7654321'),
          born: new DateOnly('1990-01-31'),
          photo: new Uint8Array([0, 255, 16]),
          long_text: '长文本'.repeat(50000),
          name: '张三',
          fee: new Decimal('1234.5678'),
          uid: '6F9619FF-8B86-D011-B42D-00C04FC964FF',
        },
      },
    },
  });
}
