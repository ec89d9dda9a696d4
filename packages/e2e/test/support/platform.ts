// A whole test platform on loopback: a hub over SQLite or a PostgreSQL schema, a CA, a provider and a
// consumer department, and one published catalog entry, made through the real HTTP API.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub, type Hub, type HubConfigInput } from '@ferry/hub';
import {
  CatalogClient,
  type CatalogEntry,
  createCertificateAuthority,
  generateKeyPair,
  type Identity,
  issueCertificate,
  requestSigner,
  TrustStore,
} from '@ferry/sdk';
import pg from 'pg';

export const DEPT = { hub: 'HUB01', provider: 'GA01', consumer: 'WJ01', reviewer: 'SJJ01' } as const;
export const RESOURCE = '101001/000001';

export type DatabaseCase = { kind: 'sqlite' } | { kind: 'postgres'; url: string };

export interface Pki {
  trust: TrustStore;
  caPem: string;
  hub: Identity;
  provider: Identity;
  consumer: Identity;
  reviewer: Identity;
}

let pki: Pki | undefined;
export function testPki(): Pki {
  if (pki) return pki;
  const notBefore = new Date('2020-01-01T00:00:00Z');
  const ca = createCertificateAuthority({
    subject: { commonName: 'Ferry E2E CA', country: 'CN' },
    algorithm: 'ec-p256',
    now: new Date(notBefore.getTime() + 600_000),
    validityDays: 365 * 70,
  });
  const issue = (code: string): Identity => {
    const privateKey = generateKeyPair('ec-p256');
    const certificate = issueCertificate({
      issuer: ca,
      subject: { commonName: code, departmentCode: code },
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
    provider: issue(DEPT.provider),
    consumer: issue(DEPT.consumer),
    reviewer: issue(DEPT.reviewer),
  };
  return pki;
}

export function entry(share: CatalogEntry['share']['type'] = 'unconditional'): CatalogEntry {
  return {
    classification: { category: 'basic', subclass: '01', group: '001' },
    code: RESOURCE,
    name: '人口基本信息',
    provider: '某市公安局',
    providerCode: DEPT.provider,
    summary: '户籍人口的基本信息。',
    format: { type: 'database', detail: 'oracle table' },
    dataItems: [
      { name: 'id', dataType: 'integer', key: true },
      { name: 'name', dataType: 'string', length: 50, key: false },
      { name: 'amount', dataType: 'decimal', precision: 38, scale: 10, key: false },
    ],
    share:
      share === 'unconditional'
        ? { type: 'unconditional', methods: ['platform'] }
        : {
            type: share,
            condition: '依法履职需要',
            ...(share === 'conditional' ? { methods: ['platform'] } : {}),
          },
    open: { isOpen: false },
    updateCycle: 'realtime',
    releaseDate: '2026-01-01',
    version: 1,
    secrecy: 'non-classified',
    level: 'department',
  } as CatalogEntry;
}

export interface Platform {
  url: string;
  hub: Hub;
  pki: Pki;
  config: HubConfigInput;
  /** Rows of the resource table: sender, key and encoded row. */
  rows(): Promise<{ sender: string; row: string }[]>;
  /** Changes the hub applied from `sender` (counted in its change log), to detect double application. */
  appliedChanges(sender: string): Promise<number>;
  /** Stops the hub; `restart()` starts it again on the same port and database. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startPlatform(
  db: DatabaseCase,
  options: { publish?: boolean; configure?: (config: HubConfigInput) => void } = {},
): Promise<Platform> {
  const p = testPki();
  const dir = mkdtempSync(join(tmpdir(), 'ferry-e2e-'));
  const schema = `ferry_e2e_${randomBytes(6).toString('hex')}`;
  const config: HubConfigInput = {
    server: { host: '127.0.0.1', port: 0 },
    identity: { certificate: p.hub.certificate.toPem(), privateKey: p.hub.privateKey.toPem() },
    trust: { ca: p.caPem },
    database:
      db.kind === 'sqlite'
        ? { sqlite: join(dir, 'hub.sqlite'), synchronous: 'normal' }
        : { url: db.url, schema },
    admins: [DEPT.reviewer],
    reviewers: [DEPT.reviewer],
    departments: [
      { code: DEPT.provider, name: '公安局', certificates: [p.provider.certificate.toPem()] },
      { code: DEPT.consumer, name: '卫健委', certificates: [p.consumer.certificate.toPem()] },
      { code: DEPT.reviewer, name: '大数据局', certificates: [p.reviewer.certificate.toPem()] },
    ],
    rateLimit: { max: 1_000_000 },
    log: { level: 'silent' },
  };
  options.configure?.(config);
  let hub = await createHub(config);
  let url = await hub.listen();
  const port = Number(new URL(url).port);
  if (options.publish !== false) {
    const provider = new CatalogClient({ baseUrl: url, signRequest: requestSigner(p.provider), retries: 0 });
    const reviewer = new CatalogClient({ baseUrl: url, signRequest: requestSigner(p.reviewer), retries: 0 });
    await provider.submit(entry());
    await reviewer.review(RESOURCE, 1, 'approve');
    await reviewer.publish(RESOURCE, 1);
    provider.close();
    reviewer.close();
  }
  let pgClient: pg.Client | undefined;
  let running = true;
  return {
    get url() {
      return url;
    },
    get hub() {
      return hub;
    },
    pki: p,
    config,
    async rows() {
      if (db.kind === 'sqlite') {
        const { default: Sqlite } = await import('better-sqlite3');
        const conn = new Sqlite(join(dir, 'hub.sqlite'), { readonly: true });
        try {
          const t = conn.prepare('SELECT table_name FROM resources WHERE code = ?').get(RESOURCE) as
            | { table_name: string }
            | undefined;
          return t ? (conn.prepare(`SELECT sender, row FROM "${t.table_name}"`).all() as never) : [];
        } finally {
          conn.close();
        }
      }
      pgClient ??= new pg.Client({ connectionString: db.url });
      if (!(pgClient as unknown as { _connected?: boolean })._connected) {
        await pgClient.connect();
        await pgClient.query(`SET search_path TO "${schema}"`);
      }
      const t = await pgClient.query('SELECT table_name FROM resources WHERE code = $1', [RESOURCE]);
      if (!t.rows[0]) return [];
      return (await pgClient.query(`SELECT sender, row FROM "${t.rows[0].table_name}"`)).rows;
    },
    async appliedChanges(sender) {
      if (db.kind !== 'sqlite') throw new Error('appliedChanges reads the SQLite hub only');
      const { default: Sqlite } = await import('better-sqlite3');
      const conn = new Sqlite(join(dir, 'hub.sqlite'), { readonly: true });
      try {
        // Each change-log batch covers log positions first…last, one per change applied.
        const { n } = conn
          .prepare(
            'SELECT COALESCE(SUM(last_position - first_position + 1), 0) AS n FROM change_batches WHERE sender = ?',
          )
          .get(sender) as { n: number };
        return n;
      } finally {
        conn.close();
      }
    },
    async stop() {
      if (!running) return;
      running = false;
      await hub.close();
    },
    async restart() {
      if (running) return;
      hub = await createHub({ ...config, server: { host: '127.0.0.1', port } });
      url = await hub.listen();
      running = true;
    },
    async close() {
      await pgClient?.end().catch(() => {});
      if (running) await hub.close();
      if (db.kind === 'postgres') {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await c.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The first reachable PostgreSQL, or undefined (CI treats that as a failure). */
export async function reachablePostgres(): Promise<string | undefined> {
  for (const url of [
    process.env.FERRY_TEST_PG_URL,
    'postgres://postgres@127.0.0.1:5432/test',
    'postgres://root@127.0.0.1:5432/test',
  ]) {
    if (!url) continue;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    try {
      await c.connect();
      await c.end();
      return url;
    } catch {
      await c.end().catch(() => {});
    }
  }
  if (process.env.CI) throw new Error('PostgreSQL is not reachable on 127.0.0.1:5432 and CI needs it');
  console.warn(
    'PostgreSQL is not reachable: PostgreSQL cases are skipped. Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  );
  return undefined;
}
