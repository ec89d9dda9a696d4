// `ferry catalog draft` and `ferry connector changelog-ddl` against the real PostgreSQL and MariaDB.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogClient, loadIdentity, requestSigner, validateCatalogEntry } from '@ferry/sdk';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ferry } from './run.js';
import {
  hubSection,
  MYSQL_URL,
  pgQuery,
  startTestPlatform,
  type TestPlatform,
  uniqueResource,
  uniqueTable,
  writeConfig,
} from './support/connector-platform.js';

let platform: TestPlatform;
let dir: string;
const pgTable = uniqueTable('ferry_cli_draft');
const myTable = uniqueTable('ferry_cli_ddl');

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = mkdtempSync(join(tmpdir(), 'ferry-cli-catalog-'));
  await pgQuery(
    `CREATE TABLE ${pgTable} (id bigint PRIMARY KEY, name varchar(50) NOT NULL, score numeric, born date, note text, updated_at timestamptz)`,
  );
});
afterAll(async () => {
  await pgQuery(`DROP TABLE IF EXISTS ${pgTable} CASCADE`).catch(() => undefined);
  const my = await mysql.createConnection(MYSQL_URL).catch(() => undefined);
  await my?.query(`DROP TABLE IF EXISTS ${myTable}, ${myTable}_ferry_log`).catch(() => undefined);
  await my?.end();
  await platform?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Replaces every TODO of a draft with what a person would write there. */
function fill(value: unknown, path = ''): unknown {
  if (typeof value === 'string' && value.startsWith('TODO')) {
    if (path === 'share.type') return 'conditional';
    if (path === 'updateCycle') return 'realtime';
    if (path === 'releaseDate') return '2026-12-01';
    if (path.endsWith('.precision')) return 20;
    if (path.endsWith('.scale')) return 4;
    return '依法履职需要的人员信息';
  }
  if (Array.isArray(value)) return value.map((v, i) => fill(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, path ? `${path}.${k}` : k)]));
  }
  return value;
}

describe('ferry catalog draft', () => {
  it('drafts an entry from the table that validates once its TODOs are filled, and the hub accepts', async () => {
    const resource = uniqueResource();
    const cfg = writeConfig(
      dir,
      'draft.yaml',
      `${hubSection(platform)}storageDir: ${join(dir, 'state')}
source: { kind: postgres, connection: "postgres://postgres@127.0.0.1:5432/test" }
tables:
  - { table: public.${pgTable}, resource: ${resource}, strategy: { kind: timestamp, column: updated_at }, exclude: [note] }
`,
    );
    const out = join(dir, 'drafts');
    const r = await ferry(['catalog', 'draft', cfg, '--out', out]);
    expect(r.code).toBe(0);
    const file = join(out, `${resource.replace('/', '-')}.json`);
    expect(r.stdout).toContain(`wrote ${file}`);
    expect(r.stderr).toContain(
      `${resource}: fill in name, summary, dataItems[2].description, dataItems[2].precision, dataItems[2].scale, share.type, share.condition, updateCycle, releaseDate`,
    );

    const draft = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(draft).toMatchObject({
      classification: { category: 'basic', subclass: '01', group: '001' },
      code: resource,
      provider: '某市公安局',
      providerCode: 'GA01',
      format: { type: 'database' },
      version: 1,
    });
    expect(draft.dataItems).toEqual([
      { name: 'id', dataType: 'integer', length: 19, key: true },
      { name: 'name', dataType: 'string', length: 50, key: false },
      expect.objectContaining({ name: 'score', dataType: 'decimal', precision: 'TODO: total digits' }),
      { name: 'born', dataType: 'date', key: false },
      { name: 'updated_at', dataType: 'datetime', key: false },
    ]);
    expect(() => validateCatalogEntry(draft)).toThrow();

    const entry = validateCatalogEntry(fill(draft));
    expect(entry.share).toEqual({
      type: 'conditional',
      condition: '依法履职需要的人员信息',
      methods: ['platform'],
    });
    const client = new CatalogClient({
      baseUrl: platform.url,
      signRequest: requestSigner(
        loadIdentity({
          certificate: readFileSync(join(platform.certDir, 'provider.crt')),
          privateKey: readFileSync(join(platform.certDir, 'provider.key')),
        }),
      ),
      retries: 0,
    });
    try {
      expect((await client.submit(entry)).created).toBe(true);
    } finally {
      client.close();
    }

    // Without --out: one JSON array on standard output.
    const printed = await ferry(['catalog', 'draft', cfg]);
    expect((JSON.parse(printed.stdout) as unknown[]).length).toBe(1);
  });
});

describe('ferry connector changelog-ddl', () => {
  it('prints PostgreSQL DDL that runs as printed and then logs changes', async () => {
    const cfg = writeConfig(
      dir,
      'ddl-pg.yaml',
      `${hubSection(platform)}storageDir: ${join(dir, 'state')}
source: { kind: postgres, connection: "postgres://postgres@127.0.0.1:5432/test" }
tables:
  - { table: public.${pgTable}, resource: ${uniqueResource()}, strategy: { kind: changelog } }
  - { table: public.${pgTable}, resource: ${uniqueResource()}, strategy: { kind: diff } }
`,
    );
    const r = await ferry(['connector', 'changelog-ddl', cfg]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`CREATE TABLE IF NOT EXISTS "public"."${pgTable}_ferry_log"`);
    expect(r.stdout.match(/^-- public\./gm)).toHaveLength(1); // the diff table has no DDL
    await pgQuery(r.stdout);
    await pgQuery(`INSERT INTO ${pgTable} (id, name) VALUES (1, 'x')`);
    const log = await pgQuery<{ ferry_op: string }>(`SELECT ferry_op FROM ${pgTable}_ferry_log`);
    expect(log).toEqual([{ ferry_op: 'U' }]);
  });

  it('prints MariaDB DDL with DELIMITER that the mysql client runs', async () => {
    const my = await mysql.createConnection(MYSQL_URL);
    try {
      await my.query(`CREATE TABLE ${myTable} (id BIGINT PRIMARY KEY, name VARCHAR(50))`);
      const cfg = writeConfig(
        dir,
        'ddl-my.yaml',
        `${hubSection(platform)}storageDir: ${join(dir, 'state')}
source: { kind: mysql, connection: "${MYSQL_URL}" }
tables:
  - { table: ${myTable}, resource: ${uniqueResource()}, strategy: { kind: changelog } }
`,
      );
      const r = await ferry(['connector', 'changelog-ddl', cfg]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('DELIMITER //');
      expect(r.stdout).toContain('DELIMITER ;');
      const url = new URL(MYSQL_URL);
      const client = spawnSync(
        'mysql',
        ['-h', url.hostname, '-P', url.port || '3306', '-u', url.username, url.pathname.slice(1)],
        { input: r.stdout, encoding: 'utf8' },
      );
      if (client.error) {
        console.warn('mysql client not found: the script was not run');
        return;
      }
      expect(client.stderr).toBe('');
      expect(client.status).toBe(0);
      await my.query(`INSERT INTO ${myTable} (id, name) VALUES (1, 'x')`);
      await my.query(`UPDATE ${myTable} SET id = 2 WHERE id = 1`);
      const [rows] = await my.query(`SELECT ferry_op, id FROM ${myTable}_ferry_log ORDER BY ferry_id`);
      expect(rows).toEqual([
        { ferry_op: 'U', id: 1 },
        { ferry_op: 'D', id: 1 },
        { ferry_op: 'U', id: 2 },
      ]);
    } finally {
      await my.end();
    }
  });
});
