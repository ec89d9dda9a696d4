// What the connector tests run against: a real hub on loopback (in-process, SQLite) with a CA, a provider
// department and published catalog entries, the provider's certificate files for a connector config, and
// the real PostgreSQL and MariaDB servers. Adapted from packages/e2e/test/support/platform.ts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub, type Hub } from '@ferry/hub';
import {
  CatalogClient,
  type CatalogEntry,
  createCertificateAuthority,
  type DataItem,
  generateKeyPair,
  type Identity,
  issueCertificate,
  requestSigner,
  TrustStore,
} from '@ferry/sdk';
import pg from 'pg';

export const DEPT = { hub: 'HUB01', provider: 'GA01', reviewer: 'SJJ01', stranger: 'XX01' } as const;

export const PG_URL = process.env.FERRY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MYSQL_URL = process.env.FERRY_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

interface Pki {
  trust: TrustStore;
  caPem: string;
  hub: Identity;
  provider: Identity;
  reviewer: Identity;
  /** Issued by the CA but not registered with the hub. */
  stranger: Identity;
}

let pki: Pki | undefined;
function testPki(): Pki {
  if (pki) return pki;
  const notBefore = new Date('2020-01-01T00:00:00Z');
  const ca = createCertificateAuthority({
    subject: { commonName: 'Ferry CLI Test CA', country: 'CN' },
    algorithm: 'ec-p256',
    now: new Date(notBefore.getTime() + 600_000),
    validityDays: 365 * 70,
  });
  const issue = (code: string, organization?: string): Identity => {
    const privateKey = generateKeyPair('ec-p256');
    const certificate = issueCertificate({
      issuer: ca,
      subject: { commonName: code, departmentCode: code, ...(organization ? { organization } : {}) },
      publicKey: privateKey.publicKey,
      profile: 'department',
      notBefore,
      notAfter: new Date('2080-01-01T00:00:00Z'),
    });
    return { certificate, privateKey };
  };
  pki = {
    trust: new TrustStore([ca.certificate]),
    caPem: ca.certificate.toPem(),
    hub: issue(DEPT.hub),
    provider: issue(DEPT.provider, '某市公安局'),
    reviewer: issue(DEPT.reviewer),
    stranger: issue(DEPT.stranger),
  };
  return pki;
}

/** A published entry for `code` with these data items. */
export function entryFor(code: string, dataItems: DataItem[]): CatalogEntry {
  const [category, subclass, group] = [code[0], code.slice(1, 3), code.slice(3, 6)];
  return {
    classification: {
      category: category === '1' ? 'basic' : category === '2' ? 'thematic' : 'departmental',
      subclass: subclass!,
      group: group!,
    },
    code,
    name: '人口基本信息',
    provider: '某市公安局',
    providerCode: DEPT.provider,
    summary: '户籍人口的基本信息。',
    format: { type: 'database', detail: 'postgres table' },
    dataItems,
    share: { type: 'unconditional', methods: ['platform'] },
    open: { isOpen: false },
    updateCycle: 'realtime',
    releaseDate: '2026-01-01',
    version: 1,
    secrecy: 'non-classified',
    level: 'department',
  } as CatalogEntry;
}

/** The data items of the test tables: `id bigint` key, `name`, `amount numeric(12,2)`, `updated_at`. */
export const PEOPLE_ITEMS: DataItem[] = [
  { name: 'id', dataType: 'integer', length: 19, key: true },
  { name: 'name', dataType: 'string', length: 100, key: false },
  { name: 'amount', dataType: 'decimal', precision: 12, scale: 2, key: false },
  { name: 'updated_at', dataType: 'datetime', key: false },
];

export interface TestPlatform {
  url: string;
  hub: Hub;
  /** Directory with `provider.crt`, `provider.key`, `stranger.crt`, `stranger.key`, `ca.crt`. */
  certDir: string;
  /** Publishes a catalog entry for `code` (provider GA01). */
  publish(code: string, dataItems?: DataItem[]): Promise<void>;
  /** Rows the hub holds for a resource, decoded from their wire JSON. */
  rows(code: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** Starts a hub over SQLite on 127.0.0.1 and writes the certificate files a connector config names. */
export async function startTestPlatform(): Promise<TestPlatform> {
  const p = testPki();
  const dir = mkdtempSync(join(tmpdir(), 'ferry-cli-hub-'));
  const certDir = join(dir, 'certs');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(certDir);
  writeFileSync(join(certDir, 'provider.crt'), p.provider.certificate.toPem());
  writeFileSync(join(certDir, 'provider.key'), p.provider.privateKey.toPem(), { mode: 0o600 });
  writeFileSync(join(certDir, 'stranger.crt'), p.stranger.certificate.toPem());
  writeFileSync(join(certDir, 'stranger.key'), p.stranger.privateKey.toPem(), { mode: 0o600 });
  writeFileSync(join(certDir, 'ca.crt'), p.caPem);
  const sqlite = join(dir, 'hub.sqlite');
  const hub = await createHub({
    server: { host: '127.0.0.1', port: 0 },
    identity: { certificate: p.hub.certificate.toPem(), privateKey: p.hub.privateKey.toPem() },
    trust: { ca: p.caPem },
    database: { sqlite, synchronous: 'normal' },
    admins: [DEPT.reviewer],
    reviewers: [DEPT.reviewer],
    departments: [
      { code: DEPT.provider, name: '公安局', certificates: [p.provider.certificate.toPem()] },
      { code: DEPT.reviewer, name: '大数据局', certificates: [p.reviewer.certificate.toPem()] },
    ],
    rateLimit: { max: 1_000_000 },
    log: { level: 'silent' },
  });
  const url = await hub.listen();
  return {
    url,
    hub,
    certDir,
    async publish(code, dataItems = PEOPLE_ITEMS) {
      const provider = new CatalogClient({
        baseUrl: url,
        signRequest: requestSigner(p.provider),
        retries: 0,
      });
      const reviewer = new CatalogClient({
        baseUrl: url,
        signRequest: requestSigner(p.reviewer),
        retries: 0,
      });
      await provider.submit(entryFor(code, dataItems));
      await reviewer.review(code, 1, 'approve');
      await reviewer.publish(code, 1);
      provider.close();
      reviewer.close();
    },
    async rows(code) {
      const { default: Sqlite } = await import('better-sqlite3');
      const conn = new Sqlite(sqlite, { readonly: true });
      try {
        const t = conn.prepare('SELECT table_name FROM resources WHERE code = ?').get(code) as
          | { table_name: string }
          | undefined;
        if (!t) return [];
        const rows = conn.prepare(`SELECT row FROM "${t.table_name}"`).all() as { row: string }[];
        return rows.map((r) => JSON.parse(r.row) as Record<string, unknown>);
      } finally {
        conn.close();
      }
    },
    async close() {
      await hub.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A resource code no other test run uses. */
export function uniqueResource(): string {
  return `101001/${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
}

/** A table name no other test run uses. */
export function uniqueTable(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Runs SQL against the test PostgreSQL. */
export async function pgQuery<T extends Record<string, unknown>>(
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Creates a `people` table (id, name, amount, updated_at) with `rows` rows. */
export async function createPeopleTable(table: string, rows: number): Promise<void> {
  await pgQuery(`DROP TABLE IF EXISTS ${table} CASCADE`);
  await pgQuery(
    `CREATE TABLE ${table} (id bigint PRIMARY KEY, name varchar(100), amount numeric(12,2), updated_at timestamptz(6) NOT NULL DEFAULT clock_timestamp())`,
  );
  if (rows > 0) {
    await pgQuery(
      `INSERT INTO ${table} (id, name, amount) SELECT i, '人员-' || i, (i % 1000) + 0.25 FROM generate_series(1, $1::int) AS i`,
      [rows],
    );
  }
}

/** The table's rows as the hub stores them: `{ id: { $int }, name, amount: { $dec } }`, sorted by id. */
export async function pgRowsAsWire(
  table: string,
): Promise<{ id: string; name: string | null; amount: string | null }[]> {
  const rows = await pgQuery<{ id: string; name: string | null; amount: string | null }>(
    `SELECT t.id::text AS id, t.name, t.amount::text AS amount FROM ${table} t ORDER BY t.id`,
  );
  return rows;
}

/** Hub rows reduced to the same shape as {@link pgRowsAsWire}. */
export function hubRowsComparable(
  rows: Record<string, unknown>[],
): { id: string; name: string | null; amount: string | null }[] {
  return rows
    .map((r) => ({
      id: (r.id as { $int: string }).$int,
      name: (r.name as string | null) ?? null,
      amount: r.amount === null || r.amount === undefined ? null : (r.amount as { $dec: string }).$dec,
    }))
    .sort((a, b) => Number(a.id) - Number(b.id));
}

/** Writes a connector configuration (YAML text) next to the test's files and returns its path. */
export function writeConfig(dir: string, name: string, yaml: string): string {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
}

/** The `hub:` section for the provider (or another identity) of `platform`. */
export function hubSection(platform: TestPlatform, who: 'provider' | 'stranger' = 'provider'): string {
  return `hub:
  url: ${platform.url}
  identity:
    certificate: ${join(platform.certDir, `${who}.crt`)}
    privateKey: ${join(platform.certDir, `${who}.key`)}
  ca: ${join(platform.certDir, 'ca.crt')}
`;
}
