import { DateOnly, Decimal, Timestamp } from '@ferry/sdk/changes';
import { testSqlConnector } from '@ferry/test-utils';
import { mysql } from '../src/index.js';

const connection = process.env.FERRY_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

await testSqlConnector({
  name: 'mysql',
  server: `MariaDB/MySQL at ${connection}`,
  startHint:
    'bash .ci/run (or start-stop-daemon --start --background --exec /usr/sbin/mariadbd), or set FERRY_TEST_MYSQL_URL',
  // The session runs at UTC+8, as a server in China would: DATETIME must not shift, TIMESTAMP is read as UTC.
  connect: (options) => mysql({ connection, timeZone: '+08:00', ...options }),
  sql: {
    serialKey: 'BIGINT AUTO_INCREMENT PRIMARY KEY',
    bigint: 'BIGINT',
    text: 'TEXT',
    timestamp: 'DATETIME(6)',
    now: 'NOW(6)',
    dropTable: (name) => `DROP TABLE IF EXISTS ${name}`,
    logsTruncate: false,
    typeRoundTrip: {
      columns:
        'id BIGINT PRIMARY KEY, amount DECIMAL(38,10), big BIGINT, ubig BIGINT UNSIGNED, at TIMESTAMP(6) NULL, local_at DATETIME(6), born DATE, photo VARBINARY(16), long_text LONGTEXT, name VARCHAR(20), ok BIT(1), ratio DOUBLE',
      insert: (table) =>
        `INSERT INTO ${table} VALUES (1, '12345678901234567890.1234567890', 9223372036854775807, 18446744073709551615, '2026-11-26 08:00:00.123456', '2026-11-26 08:00:00.654321', '1990-01-31', X'00FF10', REPEAT('长文本', 50000), '张三', b'1', 0.1)`,
      expected: {
        id: 1n,
        amount: new Decimal('12345678901234567890.1234567890'),
        big: 9223372036854775807n,
        ubig: 18446744073709551615n,
        at: new Timestamp('2026-11-26T00:00:00.123456Z'),
        local_at: new Timestamp('2026-11-26T08:00:00.654321'),
        born: new DateOnly('1990-01-31'),
        photo: new Uint8Array([0, 255, 16]),
        long_text: '长文本'.repeat(50000),
        name: '张三',
        ok: true,
        ratio: 0.1,
      },
    },
  },
});
