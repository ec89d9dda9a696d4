// Starts a hub for a test on loopback (port 0) over a fresh database: a temporary SQLite file or a unique
// PostgreSQL schema, removed again by close().
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { createHub, type Hub, type HubConfigInput } from '../../src/index.js';
import { dropSchema } from './databases.js';
import { DEPT, testPki } from './pki.js';

/** Which database a test hub uses. */
export type DatabaseCase = { kind: 'sqlite' } | { kind: 'postgres'; url: string };

export interface TestHub {
  hub: Hub;
  url: string;
  /** Reads the hub's database directly (its own connection), to check what ingest wrote. */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** The rows of a resource's table, by key. */
  tableRows(code: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/** A hub with the test PKI: admin and reviewer registered from the configuration. */
export async function startTestHub(
  database: DatabaseCase,
  overrides: Partial<HubConfigInput> = {},
): Promise<TestHub> {
  const pki = testPki();
  const dir = mkdtempSync(join(tmpdir(), 'ferry-hub-test-'));
  const schema = `ferry_test_${randomBytes(6).toString('hex')}`;
  const config: HubConfigInput = {
    server: { host: '127.0.0.1', port: 0 },
    identity: { certificate: pki.hub.certificate.toPem(), privateKey: pki.hub.privateKey.toPem() },
    trust: { ca: pki.caPem },
    database:
      database.kind === 'sqlite' ? { sqlite: join(dir, 'hub.sqlite') } : { url: database.url, schema },
    admins: [DEPT.admin],
    reviewers: [DEPT.reviewer],
    departments: [
      { code: DEPT.admin, name: '平台管理员', certificates: [pki.admin.certificate.toPem()] },
      { code: DEPT.reviewer, name: '某市大数据局', certificates: [pki.reviewer.certificate.toPem()] },
    ],
    limits: { jsonBody: 64 * 1024, envelope: 4 * 1024 * 1024 },
    rateLimit: { max: 100_000 },
    envelopes: {
      // Short, so that the gap tests do not wait the default 5 s for predecessors that never come.
      reorder: { waitMs: 300, maxHeld: 64 },
      // Both ways of opening envelopes: in a worker thread (SQLite suite) and on the event loop (PostgreSQL).
      openWorkers: database.kind === 'sqlite' ? 1 : 0,
    },
    log: { level: 'silent' },
    ...overrides,
  };
  const hub = await createHub(config);
  const url = await hub.listen();
  let sqlite: Sqlite.Database | undefined;
  let client: pg.Client | undefined;
  const query = async (sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => {
    if (database.kind === 'sqlite') {
      sqlite ??= new Sqlite(join(dir, 'hub.sqlite'), { readonly: true });
      return sqlite.prepare(sql).all(...params) as Record<string, unknown>[];
    }
    if (!client) {
      client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query(`SET search_path TO "${schema}"`);
    }
    // PostgreSQL placeholders are $1…; the tests write ? for both.
    let n = 0;
    return (
      await client.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      )
    ).rows;
  };
  return {
    hub,
    url,
    query,
    async tableRows(code) {
      const [resource] = await query('SELECT table_name FROM resources WHERE code = ?', [code]);
      if (!resource) return [];
      const rows = await query(`SELECT * FROM "${String(resource.table_name)}"`);
      const order = (r: Record<string, unknown>) =>
        JSON.stringify(
          Object.keys(r)
            .filter((k) => k === 'sender' || k.startsWith('k_'))
            .sort()
            .map((k) => r[k]),
        );
      return rows.sort((a, b) => (order(a) < order(b) ? -1 : 1));
    },
    async close() {
      sqlite?.close();
      await client?.end();
      await hub.close();
      if (database.kind === 'postgres') await dropSchema(database.url, schema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
