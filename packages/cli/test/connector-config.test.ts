// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${ENV}` is the configuration's own syntax under test
// The connector configuration file: every problem names its key path (and line), exit code 2.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlSource, tableConfig } from '../src/connector/open-source.js';
import { parseConnectorConfig } from '../src/index.js';
import { ferry, tempDir } from './run.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(() => cleanup());

const HUB = `hub:
  url: http://127.0.0.1:9
  identity: { certificate: certs/dept.crt, privateKey: certs/dept.key }
  ca: certs/ca.crt
storageDir: state
`;

function config(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, body);
  return file;
}

/** Runs `ferry connector changelog-ddl` (validation happens before anything connects) and returns stderr. */
async function problems(
  body: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stderr: string }> {
  const file = config('c.yaml', body);
  const result = await ferry(['connector', 'changelog-ddl', file], env);
  return { code: result.code, stderr: result.stderr };
}

describe('connector configuration', () => {
  it('names the exact key of a missing strategy column, with its line', async () => {
    const r = await problems(`${HUB}source:
  kind: postgres
  connection: postgres://ferry@127.0.0.1/db
tables:
  - { table: a, resource: 101001/000001, strategy: { kind: changelog } }
  - { table: b, resource: 101001/000002, strategy: { kind: incrementing } }
  - table: c
    resource: 101001/000003
    strategy:
      kind: timestamp
`);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^error FERRY_CONFIG_INVALID: tables\[2\]\.strategy\.column: required for strategy "timestamp"$/m,
    );
    expect(r.stderr).toMatch(/at .*c\.yaml:14, field tables\[2\]\.strategy\.column/);
  });

  it('lists every problem, each with its key: unknown keys (with a suggestion), bad values, duplicates', async () => {
    const r = await problems(`${HUB}source:
  kind: postgres
  connection: postgres://ferry@127.0.0.1/db
tables:
  - { table: a, resource: 101001/000001, strategy: { kind: changelog, instal: true } }
  - { table: b, resource: 101001/000001, strategy: { kind: cdc } }
  - { table: c, resource: not-a-code, strategy: { kind: timestamp, column: ts, lagSeconds: -1 } }
schedul: { intervalSeconds: 5 }
onInvalidCursor: skip
`);
    expect(r.code).toBe(2);
    for (const line of [
      'tables[0].strategy.instal: is not a known key (did you mean install?)',
      'tables[1].strategy.kind: must be one of incrementing, timestamp, changelog, diff, not "cdc"',
      'tables[2].resource: must be a resource code such as 101001/000001',
      'tables[2].strategy.lagSeconds: must not be negative',
      'schedul: is not a known key (did you mean schedule?) (line 13)',
      'onInvalidCursor: must be one of fail, resnapshot (line 14)',
    ]) {
      expect(r.stderr).toContain(line);
    }
    expect(r.stderr).toMatch(/at .*c\.yaml:10, field tables\[0\]\.strategy\.instal/);
  });

  it('reports a resource sent twice', async () => {
    const r = await problems(`${HUB}source: { kind: mysql, connection: "mysql://ferry@127.0.0.1/db" }
tables:
  - { table: a, resource: 101001/000001, strategy: { kind: diff } }
  - { table: b, resource: 101001/000001, strategy: { kind: diff } }
`);
    expect(r.stderr).toContain(
      'tables[1].resource: 101001/000001 is already sent by tables[0]; each resource has one cursor',
    );
  });

  it('takes secrets from ${ENV} only, and says which variable is missing', async () => {
    const body = (connection: string) => `${HUB}source:
  kind: postgres
  connection: ${connection}
tables:
  - { table: a, resource: 101001/000001, strategy: { kind: changelog } }
`;
    const literal = await problems(body('postgres://ferry:hunter2@127.0.0.1/db'));
    expect(literal.code).toBe(2);
    expect(literal.stderr).toContain('source.connection: the URL holds a password: write it as ${ENV_VAR}');
    expect(literal.stderr).not.toContain('hunter2');

    const key = await problems(body('{ host: 127.0.0.1, user: ferry, password: hunter2 }'));
    expect(key.stderr).toContain('source.connection.password: write it as ${ENV_VAR}');

    const unset = await problems(body('postgres://ferry:${FERRY_TEST_DB_PASSWORD}@127.0.0.1/db'));
    expect(unset.stderr).toContain(
      'source.connection: environment variable FERRY_TEST_DB_PASSWORD is not set',
    );

    const loaded = parseConnectorConfig(body('postgres://ferry:${DB_PW}@127.0.0.1/db'), join(dir, 'x.yaml'), {
      DB_PW: 'p@ss/word',
    });
    expect(loaded.config.source).toMatchObject({ connection: 'postgres://ferry:p%40ss%2Fword@127.0.0.1/db' });
    expect(loaded.secrets).toContain('p@ss/word');
    // Paths are relative to the configuration file.
    expect(loaded.config.storageDir).toBe(join(dir, 'state'));
    expect(loaded.config.hub.identity).toMatchObject({ certificate: join(dir, 'certs/dept.crt') });
  });

  it('keeps the source sections apart: tables are not for file drops, native strategies only for their connectors', async () => {
    const file = await problems(`${HUB}source:
  kind: file
  dir: drop
  resources:
    - resource: 101001/000001
      format: csv
      columns: { 编号: { name: id, type: integr } }
      key: [id]
tables:
  - { table: a, resource: 101001/000002, strategy: { kind: diff } }
`);
    expect(file.code).toBe(2);
    expect(file.stderr).toContain('tables: is not used with source.kind "file"');

    const resource = await problems(`${HUB}source:
  kind: file
  dir: drop
  resources:
    - resource: 101001/000001
      format: csv
      columns: { 编号: { name: id, type: integr } }
      key: [id]
`);
    expect(resource.stderr).toContain('source.resources[0].columns.编号.type');

    // Oracle and SQL Server take their connector's own strategies; the others do not.
    const oracle = parseConnectorConfig(
      `${HUB}source: { kind: oracle, connection: "oracle://ferry@db:1521/ORCL" }
tables:
  - { table: A, resource: 101001/000001, strategy: { kind: flashback, scnSource: dbms_flashback } }
`,
      join(dir, 'o.yaml'),
      {},
    );
    expect(tableConfig(oracle.config.tables![0]!).strategy).toEqual({
      kind: 'flashback',
      scnSource: 'dbms_flashback',
    });
    const pgNative = await problems(`${HUB}source: { kind: postgres, connection: "postgres://x@y/z" }
tables:
  - { table: A, resource: 101001/000001, strategy: { kind: flashback } }
`);
    expect(pgNative.stderr).toContain(
      'tables[0].strategy.kind: must be one of incrementing, timestamp, changelog, diff, not "flashback"',
    );
    const missing = openSqlSource(
      { kind: 'oracle', connection: 'oracle://ferry@db:1521/ORCL' },
      undefined,
      () => Promise.reject(new Error('Cannot find package')),
    );
    await expect(missing).rejects.toMatchObject({ code: 'FERRY_CONFIG_INVALID' });
    await expect(missing).rejects.toThrow(
      'source.kind: "oracle" needs @ferry/connector-oracle, which is not installed: install it next to @ferry/cli (npm install @ferry/connector-oracle)',
    );

    // `copy` is PostgreSQL-wire's alone, and a boolean.
    const copy = parseConnectorConfig(
      `${HUB}source: { kind: postgres, connection: "postgres://x@y/z", copy: false }
tables:
  - { table: a, resource: 101001/000001, strategy: { kind: diff } }
`,
      join(dir, 'p.yaml'),
      {},
    );
    expect(copy.config.source).toMatchObject({ kind: 'postgres', copy: false });
    const badCopy = await problems(
      `${HUB}source: { kind: postgres, connection: "postgres://x@y/z", copy: "no" }\n`,
    );
    expect(badCopy.stderr).toContain('source.copy: must be a boolean');
    const mysqlCopy = await problems(
      `${HUB}source: { kind: mysql, connection: "mysql://x@y/z", copy: false }\n`,
    );
    expect(mysqlCopy.stderr).toContain('source.copy');

    const kind = await problems(`${HUB}source: { kind: sqlite, connection: "x://y" }\n`);
    expect(kind.stderr).toContain(
      'source.kind: must be one of postgres, mysql, file, oracle, mssql, not "sqlite"',
    );
  });

  it('exit 2 for a file that does not exist, is not YAML, or names identity files that do not exist', async () => {
    const missing = await ferry(['connector', 'run', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');

    const yaml = await problems('hub: [unclosed\n');
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toContain('not valid YAML');

    const file = config(
      'ids.yaml',
      `${HUB}source: { kind: postgres, connection: "postgres://ferry@127.0.0.1/db" }
tables: [{ table: a, resource: 101001/000001, strategy: { kind: diff } }]
`,
    );
    const run = await ferry(['connector', 'run', file, '--until-idle']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`hub.identity.certificate: ${join(dir, 'certs/dept.crt')} does not exist`);
  });
});
