import { DateOnly, Decimal, Timestamp } from '@ferry/sdk/changes';
import { testSqlConnector } from '@ferry/test-utils';
import { postgres } from '../src/index.js';

const connection = process.env.FERRY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

await testSqlConnector({
  name: 'postgres',
  server: `PostgreSQL at ${connection}`,
  startHint: 'bash .ci/run (or pg_ctlcluster 15 main start), or set FERRY_TEST_POSTGRES_URL',
  // The session runs at UTC+8, as a server in China would: values must not shift.
  connect: (options) => postgres({ connection, timeZone: 'Asia/Shanghai', ...options }),
  sql: {
    serialKey: 'bigserial PRIMARY KEY',
    bigint: 'bigint',
    text: 'text',
    timestamp: 'timestamptz(6)',
    now: 'clock_timestamp()',
    dropTable: (name) => `DROP TABLE IF EXISTS ${name} CASCADE`,
    logsTruncate: true,
    typeRoundTrip: {
      columns:
        'id bigint PRIMARY KEY, amount numeric(38,10), big bigint, at timestamptz(6), local_at timestamp(6), born date, photo bytea, long_text text, name varchar(20), ok boolean, ratio double precision, doc jsonb',
      insert: (table) =>
        `INSERT INTO ${table} VALUES (1, '12345678901234567890.1234567890', 9223372036854775807, '2026-11-26 08:00:00.123456+08', '2026-11-26 08:00:00.654321', '1990-01-31', '\\x00ff10', repeat('长文本', 50000), '张三', true, 0.1, '{"a": [1, "二"]}')`,
      expected: {
        id: 1n,
        amount: new Decimal('12345678901234567890.1234567890'),
        big: 9223372036854775807n,
        at: new Timestamp('2026-11-26T08:00:00.123456+08:00'),
        local_at: new Timestamp('2026-11-26T08:00:00.654321'),
        born: new DateOnly('1990-01-31'),
        photo: new Uint8Array([0, 255, 16]),
        long_text: '长文本'.repeat(50000),
        name: '张三',
        ok: true,
        ratio: 0.1,
        doc: { a: [1, '二'] },
      },
    },
  },
});
