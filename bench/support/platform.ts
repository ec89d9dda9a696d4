// A platform for benchmarks: a CA, the hub's and the departments' identities, a real hub (createHub) on
// loopback over a SQLite file or a PostgreSQL schema, with one catalog entry submitted, approved and
// published through the HTTP API, and a way to count what the hub stored.
// Used by hub-ingest.ts, sync-e2e.ts and connector-snapshot.ts. packages/e2e/test/support/platform.ts does the
// same for the test suites (tests do not import benchmark code).
import { createRequire } from 'node:module';
import {
  CatalogClient,
  type CatalogEntry,
  createCertificateAuthority,
  generateKeyPair,
  type Identity,
  issueCertificate,
  requestSigner,
} from '@ferry/sdk';
import pg from 'pg';
import { createHub, type Hub } from '../../packages/hub/src/index.js';

export const PROVIDER = 'GA01';
export const REVIEWER = 'SJJ01';

/** Identities of one bench run. */
export interface BenchPki {
  caPem: string;
  hub: Identity;
  provider: Identity;
  reviewer: Identity;
  /** The provider's certificate, key and the CA as PEM: what a sender child process is given. */
  providerPem: { cert: string; key: string; ca: string };
}

/** A CA (EC P-256) and the hub's, the provider's (GA01) and the reviewer's (SJJ01) identities. */
export function benchPki(): BenchPki {
  const ca = createCertificateAuthority({
    subject: { commonName: 'Ferry Bench CA', country: 'CN' },
    algorithm: 'ec-p256',
  });
  const issue = (code: string): Identity => {
    const privateKey = generateKeyPair('ec-p256');
    const certificate = issueCertificate({
      issuer: ca,
      subject: { commonName: code, departmentCode: code },
      publicKey: privateKey.publicKey,
      profile: 'department',
    });
    return { certificate, privateKey };
  };
  const provider = issue(PROVIDER);
  const caPem = ca.certificate.toPem();
  return {
    caPem,
    hub: issue('HUB01'),
    provider,
    reviewer: issue(REVIEWER),
    providerPem: { cert: provider.certificate.toPem(), key: provider.privateKey.toPem(), ca: caPem },
  };
}

/** Where the hub keeps its data. */
export type BenchDatabase = { sqlite: string } | { url: string; schema: string };

/** A running hub with a published resource. */
export interface BenchHub {
  hub: Hub;
  url: string;
  /** Rows of `resource` the provider has at the hub, and the highest (epoch, seq) that wrote one. */
  rows(resource: string): Promise<{ count: number; epoch: number; seq: number }>;
  /** Rows of `resource` written by a batch after (epoch, seq). */
  rowsAfter(resource: string, at: { epoch: number; seq: number }): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts a hub with the default settings (SQLite WAL with synchronous=FULL, PostgreSQL pool defaults) except
 * rate limiting, which is off; registers the provider and reviewer departments; submits, approves and
 * publishes `entry`.
 */
export async function startBenchHub(
  pki: BenchPki,
  database: BenchDatabase,
  entry: CatalogEntry,
): Promise<BenchHub> {
  const hub = await createHub({
    server: { host: '127.0.0.1', port: 0 },
    identity: { certificate: pki.hub.certificate.toPem(), privateKey: pki.hub.privateKey.toPem() },
    trust: { ca: pki.caPem },
    database,
    admins: [REVIEWER],
    reviewers: [REVIEWER],
    departments: [
      { code: PROVIDER, name: '某市公安局', certificates: [pki.provider.certificate.toPem()] },
      { code: REVIEWER, name: '大数据局', certificates: [pki.reviewer.certificate.toPem()] },
    ],
    rateLimit: { enabled: false },
    log: { level: 'silent' },
  });
  const url = await hub.listen();
  const asProvider = new CatalogClient({
    baseUrl: url,
    signRequest: requestSigner(pki.provider),
    retries: 0,
  });
  const asReviewer = new CatalogClient({
    baseUrl: url,
    signRequest: requestSigner(pki.reviewer),
    retries: 0,
  });
  try {
    await asProvider.submit(entry);
    await asReviewer.review(entry.code, 1, 'approve');
    await asReviewer.publish(entry.code, 1);
  } finally {
    asProvider.close();
    asReviewer.close();
  }
  const query =
    'sqlite' in database ? sqliteQuery(database.sqlite) : postgresQuery(database.url, database.schema);
  const table = async (resource: string) => {
    const [t] = await query('SELECT table_name FROM resources WHERE code = ?', [resource]);
    if (!t) throw new Error(`the hub has no table for ${resource}`);
    return `"${String(t.table_name).replace(/"/g, '""')}"`;
  };
  return {
    hub,
    url,
    async rows(resource) {
      const [r] = await query(
        `SELECT count(*) AS n, max(epoch) AS epoch FROM ${await table(resource)} WHERE sender = ?`,
        [PROVIDER],
      );
      const epoch = Number(r?.epoch ?? 0);
      const [s] = await query(
        `SELECT max(seq) AS seq FROM ${await table(resource)} WHERE sender = ? AND epoch = ?`,
        [PROVIDER, epoch],
      );
      return { count: Number(r?.n ?? 0), epoch, seq: Number(s?.seq ?? -1) };
    },
    async rowsAfter(resource, at) {
      const [r] = await query(
        `SELECT count(*) AS n FROM ${await table(resource)} WHERE sender = ? AND (epoch > ? OR (epoch = ? AND seq > ?))`,
        [PROVIDER, at.epoch, at.epoch, at.seq],
      );
      return Number(r?.n ?? 0);
    },
    async close() {
      await hub.close();
      await query.close();
    },
  };
}

type Query = ((sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>) & {
  close(): Promise<void>;
};

/** Reads the hub's SQLite file with its own read-only connection (better-sqlite3, the hub's driver). */
function sqliteQuery(file: string): Query {
  const Sqlite = createRequire(new URL('../../packages/hub/package.json', import.meta.url))(
    'better-sqlite3',
  ) as new (
    file: string,
    options: { readonly: boolean },
  ) => {
    prepare(sql: string): { all(...params: unknown[]): Record<string, unknown>[] };
    close(): void;
  };
  let conn: InstanceType<typeof Sqlite> | undefined;
  const q = (async (sql: string, params: unknown[]) => {
    conn ??= new Sqlite(file, { readonly: true });
    return conn.prepare(sql).all(...params);
  }) as Query;
  q.close = async () => conn?.close();
  return q;
}

function postgresQuery(url: string, schema: string): Query {
  let client: pg.Client | undefined;
  const q = (async (sql: string, params: unknown[]) => {
    if (!client) {
      client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`SET search_path TO "${schema.replace(/"/g, '""')}"`);
    }
    let n = 0;
    return (
      await client.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      )
    ).rows;
  }) as Query;
  q.close = async () => {
    await client?.end();
  };
  return q;
}
