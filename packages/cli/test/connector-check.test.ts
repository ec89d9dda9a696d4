// `ferry connector check` against the real PostgreSQL, MariaDB and a hub on loopback: one line per problem.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ferry } from './run.js';
import {
  createPeopleTable,
  hubSection,
  pgQuery,
  startTestPlatform,
  type TestPlatform,
  uniqueResource,
  uniqueTable,
  writeConfig,
} from './support/connector-platform.js';

let platform: TestPlatform;
let dir: string;
const table = uniqueTable('ferry_cli_check');
const resource = uniqueResource();

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = mkdtempSync(join(tmpdir(), 'ferry-cli-check-'));
  await createPeopleTable(table, 3);
  await platform.publish(resource);
});
afterAll(async () => {
  await pgQuery(`DROP TABLE IF EXISTS ${table} CASCADE`).catch(() => undefined);
  await platform?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The FAIL lines of a check's output. */
const failures = (stdout: string) => stdout.split('\n').filter((l) => l.trimStart().startsWith('FAIL'));

describe('ferry connector check', () => {
  it('passes for a table that is ready, with the hub accepting the identity', async () => {
    const cfg = writeConfig(
      dir,
      'ok.yaml',
      `${hubSection(platform)}storageDir: ${join(dir, 'state-ok')}
source: { kind: postgres, connection: "postgres://postgres@127.0.0.1:5432/test" }
tables:
  - { table: public.${table}, resource: ${resource}, strategy: { kind: timestamp, column: updated_at } }
`,
    );
    const r = await ferry(['connector', 'check', cfg]);
    expect(failures(r.stdout)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok\s+connect\s+connected to postgres/);
    expect(r.stdout).toMatch(/ok\s+hub-identity\s+the hub accepts requests signed as GA01/);
    expect(r.stdout).toContain(`${resource} is published (version 1) with this department as provider`);
    expect(r.stdout).toContain('All checks passed');

    const json = await ferry(['connector', 'check', cfg, '--json']);
    const results = JSON.parse(json.stdout) as { check: string; status: string }[];
    expect(results.every((c) => c.status !== 'error')).toBe(true);
  });

  it('reports a missing table and an unpublished resource as separate lines, exit 1', async () => {
    const unpublished = uniqueResource();
    const cfg = writeConfig(
      dir,
      'missing.yaml',
      `${hubSection(platform)}storageDir: ${join(dir, 'state-missing')}
source: { kind: postgres, connection: "postgres://postgres@127.0.0.1:5432/test" }
tables:
  - { table: public.${table}, resource: ${unpublished}, strategy: { kind: changelog } }
  - { table: public.ferry_no_such_table, resource: ${resource}, strategy: { kind: diff } }
`,
    );
    const r = await ferry(['connector', 'check', cfg]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error FERRY_PREFLIGHT_FAILED: \d+ checks failed/);
    const lines = failures(r.stdout);
    expect(lines.find((l) => /\btable\b/.test(l) && l.includes('public.ferry_no_such_table'))).toBeDefined();
    expect(lines.find((l) => l.includes(`${unpublished} is not in the hub's catalog`))).toBeDefined();
    // The change log is not installed and install is off: said on a line of its own too.
    expect(lines.some((l) => l.includes(`public.${table}`) && /changelog/i.test(l))).toBe(true);
  });

  it('reports a bad MariaDB password on its own line and an identity the hub does not know', async () => {
    const cfg = writeConfig(
      dir,
      'mysql.yaml',
      `${hubSection(platform, 'stranger')}storageDir: ${join(dir, 'state-mysql')}
source:
  kind: mysql
  connection: mysql://root:\${MYSQL_PASSWORD}@127.0.0.1:3306/test
tables:
  - { table: people, resource: ${resource}, strategy: { kind: incrementing } }
`,
    );
    const password = 'not-the-root-password';
    const r = await ferry(['connector', 'check', cfg], { MYSQL_PASSWORD: password });
    expect(r.code).toBe(1);
    const lines = failures(r.stdout);
    const connect = lines.find((l) => /\bconnect\b/.test(l));
    expect(connect).toMatch(/cannot connect to mysql: .*Access denied/);
    expect(lines.find((l) => l.includes('hub-identity'))).toContain(
      'the hub does not accept this identity (XX01)',
    );
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(r.stdout + r.stderr).not.toContain(password);
  });
});
