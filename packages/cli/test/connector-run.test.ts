// `ferry connector run` against the real PostgreSQL and a real hub on loopback.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mysql as mysqlSource } from '@ferry/connector-mysql';
import { postgres } from '@ferry/connector-postgres';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorDaemon, createLogger, loadConnectorConfig } from '../src/index.js';
import { ferry } from './run.js';
import {
  createPeopleTable,
  hubRowsComparable,
  hubSection,
  MYSQL_URL,
  pgQuery,
  pgRowsAsWire,
  startTestPlatform,
  type TestPlatform,
  uniqueResource,
  uniqueTable,
  writeConfig,
} from './support/connector-platform.js';

let platform: TestPlatform;
let dir: string;
const tables: string[] = [];

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = mkdtempSync(join(tmpdir(), 'ferry-cli-run-'));
});
afterAll(async () => {
  for (const t of tables) await pgQuery(`DROP TABLE IF EXISTS ${t} CASCADE`).catch(() => undefined);
  await platform?.close();
  rmSync(dir, { recursive: true, force: true });
});

function sqlConfig(name: string, table: string, resource: string, extra = ''): string {
  return writeConfig(
    dir,
    `${name}.yaml`,
    `${hubSection(platform)}storageDir: ${join(dir, `state-${name}`)}
source:
  kind: postgres
  # trust authentication ignores the password; it is here to show it never reaches a log line
  connection: postgres://postgres:\${PGPASSWORD}@127.0.0.1:5432/test
  timeZone: Asia/Shanghai
tables:
  - table: public.${table}
    resource: ${resource}
    strategy: { kind: changelog, install: true, graceSeconds: 1 }
snapshot: { chunkSize: 100 }
${extra}`,
  );
}

const SECRET = 'pw-never-logged-7f3a';

describe('ferry connector run', () => {
  it('captures inserts, updates and deletes of a PostgreSQL table into the hub, resuming from its cursor', async () => {
    const table = uniqueTable('ferry_cli_run');
    tables.push(table);
    const resource = uniqueResource();
    await createPeopleTable(table, 250);
    await platform.publish(resource);
    const cfg = sqlConfig('until-idle', table, resource, 'http: false\nlog: { level: debug }\n');

    const first = await ferry(['connector', 'run', cfg, '--until-idle'], { PGPASSWORD: SECRET });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('"msg":"snapshot completed"');
    expect(hubRowsComparable(await platform.rows(resource))).toEqual(await pgRowsAsWire(table));

    await pgQuery(
      `INSERT INTO ${table} (id, name, amount) VALUES (1001, '新增-1', 10.50), (1002, '新增-2', NULL)`,
    );
    await pgQuery(`UPDATE ${table} SET name = '已修改', amount = amount + 1 WHERE id IN (3, 4, 5)`);
    await pgQuery(`DELETE FROM ${table} WHERE id IN (7, 8)`);
    await pgQuery(`UPDATE ${table} SET id = 2000 WHERE id = 9`); // a key change: delete + upsert

    const second = await ferry(['connector', 'run', cfg, '--until-idle'], { PGPASSWORD: SECRET });
    expect(second.code).toBe(0);
    // Resumed from the cursor: no new snapshot, only the changes.
    expect(second.stdout).not.toContain('snapshot started');
    expect(second.stdout).toContain('"phase":"incremental"');
    const hub = hubRowsComparable(await platform.rows(resource));
    expect(hub).toEqual(await pgRowsAsWire(table));
    expect(hub.find((r) => r.id === '4')).toEqual({ id: '4', name: '已修改', amount: '5.25' });
    expect(hub.some((r) => r.id === '7' || r.id === '9')).toBe(false);

    for (const output of [first, second]) {
      expect(output.stdout).not.toContain(SECRET);
      // JSON lines, one object each.
      for (const line of output.stdout.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    }
  });

  it('--resnapshot sends the table again as a new epoch, and the hub drops rows deleted meanwhile', async () => {
    const table = uniqueTable('ferry_cli_resnap');
    tables.push(table);
    const resource = uniqueResource();
    await createPeopleTable(table, 40);
    await platform.publish(resource);
    const cfg = writeConfig(
      dir,
      'resnapshot.yaml',
      `${hubSection(platform)}storageDir: ${join(dir, 'state-resnapshot')}
source: { kind: postgres, connection: "postgres://postgres@127.0.0.1:5432/test" }
tables:
  - { table: public.${table}, resource: ${resource}, strategy: { kind: timestamp, column: updated_at, lagSeconds: 0 } }
snapshot: { chunkSize: 15 }
http: false
`,
    );
    expect((await ferry(['connector', 'run', cfg, '--until-idle'])).code).toBe(0);
    // The timestamp strategy does not see deletes: the hub keeps the rows…
    await pgQuery(`DELETE FROM ${table} WHERE id <= 10`);
    expect((await ferry(['connector', 'run', cfg, '--until-idle'])).code).toBe(0);
    expect(await platform.rows(resource)).toHaveLength(40);
    // … until a resnapshot replaces them.
    const again = await ferry(['connector', 'run', cfg, '--until-idle', '--resnapshot', resource]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('"reason":"initial"');
    expect(hubRowsComparable(await platform.rows(resource))).toEqual(await pgRowsAsWire(table));

    const wrong = await ferry(['connector', 'run', cfg, '--until-idle', '--resnapshot', '101001/000999']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--resnapshot 101001/000999: not a resource of this configuration');
  });

  it("estimates a snapshot's rows for the progress bar: exact for small tables, statistics beyond", async () => {
    const table = uniqueTable('ferry_cli_estimate');
    tables.push(table);
    await createPeopleTable(table, 1234);
    const source = postgres({ connection: 'postgres://postgres@127.0.0.1:5432/test' });
    const my = await mysql.createConnection(MYSQL_URL);
    const mySource = mysqlSource({ connection: MYSQL_URL });
    try {
      const capture = { table: `public.${table}`, strategy: { kind: 'diff' as const } };
      expect(await source.estimateRows!(capture)).toBe(1234);
      await my.query(`CREATE TABLE ${table} (id INT PRIMARY KEY)`);
      await my.query(
        `INSERT INTO ${table} VALUES ${Array.from({ length: 77 }, (_, i) => `(${i})`).join(',')}`,
      );
      expect(await mySource.estimateRows!({ table, strategy: { kind: 'diff' } })).toBe(77);
    } finally {
      await my.query(`DROP TABLE IF EXISTS ${table}`);
      await my.end();
      await source.close?.();
      await mySource.close?.();
    }
  });

  it('captures a MariaDB table with the incrementing strategy', async () => {
    const table = uniqueTable('ferry_cli_my');
    const resource = uniqueResource();
    const my = await mysql.createConnection(MYSQL_URL);
    try {
      await my.query(
        `CREATE TABLE ${table} (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100), amount DECIMAL(12,2))`,
      );
      await my.query(
        `INSERT INTO ${table} (name, amount) VALUES ${Array.from({ length: 60 }, (_, i) => `('名-${i}', ${i}.5)`).join(',')}`,
      );
      await platform.publish(resource);
      const cfg = writeConfig(
        dir,
        'mysql.yaml',
        `${hubSection(platform)}storageDir: ${join(dir, 'state-mysql')}
source: { kind: mysql, connection: "${MYSQL_URL}", timeZone: "+08:00" }
tables:
  - { table: ${table}, resource: ${resource}, strategy: { kind: incrementing, graceSeconds: 1 } }
snapshot: { chunkSize: 25 }
http: false
`,
      );
      expect((await ferry(['connector', 'run', cfg, '--until-idle'])).code).toBe(0);
      await my.query(`INSERT INTO ${table} (name, amount) VALUES ('新-1', 1.25), ('新-2', 2.50)`);
      const second = await ferry(['connector', 'run', cfg, '--until-idle']);
      expect(second.code).toBe(0);
      const hub = await platform.rows(resource);
      expect(hub).toHaveLength(62);
      expect(hub.find((r) => r.name === '新-2')).toMatchObject({ amount: { $dec: '2.50' } });
    } finally {
      await my.query(`DROP TABLE IF EXISTS ${table}`).catch(() => undefined);
      await my.end();
    }
  });

  it('sends a drop folder (source.kind file) through the same daemon', async () => {
    const resource = uniqueResource();
    await platform.publish(resource, [
      { name: 'id', dataType: 'integer', key: true },
      { name: 'name', dataType: 'string', length: 20, key: false },
    ]);
    const drop = join(dir, 'drop');
    mkdirSync(drop);
    writeFileSync(join(drop, 'people-1.csv'), '编号,姓名\n1,张三\n2,李四\n');
    const cfg = writeConfig(
      dir,
      'file.yaml',
      `${hubSection(platform)}storageDir: ${join(dir, 'state-file')}
source:
  kind: file
  dir: ${drop}
  stableSeconds: 0.2
  resources:
    - resource: ${resource}
      format: csv
      columns: { 编号: { name: id, type: integer }, 姓名: { name: name, type: string } }
      key: [id]
http: false
`,
    );
    const r = await ferry(['connector', 'run', cfg, '--until-idle']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"msg":"file export processed"');
    const hub = await platform.rows(resource);
    expect(hub.map((row) => row.name).sort()).toEqual(['张三', '李四']);
  });

  it('serves /healthz and /metrics over loopback while running, and stops on an AbortSignal', async () => {
    const table = uniqueTable('ferry_cli_http');
    tables.push(table);
    const resource = uniqueResource();
    await createPeopleTable(table, 120);
    await platform.publish(resource);
    const cfg = sqlConfig(
      'daemon',
      table,
      resource,
      'schedule: { intervalSeconds: 0.2 }\nhttp: { host: 127.0.0.1, port: 0 }\n',
    );
    const env = { PGPASSWORD: SECRET };
    const loaded = await loadConnectorConfig(cfg, env);
    const lines: string[] = [];
    const log = createLogger({
      level: 'info',
      format: 'json',
      tty: false,
      secrets: loaded.secrets,
      write: (l) => lines.push(l),
    });
    const controller = new AbortController();
    const daemon = await ConnectorDaemon.start({
      config: loaded,
      env,
      log,
      signal: controller.signal,
      delivery: { pollMs: 50 },
    });
    const url = daemon.monitoringUrl!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    await waitFor(
      async () =>
        (await fetch(`${url}/healthz`)).status === 200 && (await platform.rows(resource)).length === 120,
    );
    const health = (await (await fetch(`${url}/healthz`)).json()) as {
      status: string;
      capture: { phase: string }[];
    };
    expect(health.status).toBe('ok');
    expect(health.capture[0]!.phase).toBe('incremental');

    await pgQuery(`INSERT INTO ${table} (id, name, amount) VALUES (5000, '实时', 1.00)`);
    await waitFor(async () => (await platform.rows(resource)).length === 121);

    // Everything captured so far acknowledged by the hub.
    let text = '';
    await waitFor(async () => {
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      text = await metrics.text();
      return text.includes(`ferry_outbox_pending_batches{resource="${resource}"} 0`);
    });
    const labels = `resource="${resource}",table="public.${table}"`;
    expect(text).toContain(`ferry_connector_rows_captured_total{${labels}} 121`);
    expect(text).toMatch(new RegExp(`ferry_connector_rows_per_second\\{${escapeRegExp(labels)}\\} \\d`));
    expect(text).toMatch(new RegExp(`ferry_connector_capture_lag_seconds\\{${escapeRegExp(labels)}\\} \\d`));
    expect(text).toMatch(
      new RegExp(`ferry_connector_last_success_timestamp_seconds\\{${escapeRegExp(labels)}\\} \\d{10}`),
    );
    expect(text).toContain('# TYPE ferry_connector_errors_total counter');
    expect(text).toContain(`ferry_outbox_pending_batches{resource="${resource}"} 0`);
    expect(text).toContain(`ferry_outbox_pending_bytes{resource="${resource}"} 0`);
    expect(text).toMatch(
      new RegExp(`ferry_delivery_lag_seconds\\{resource="${escapeRegExp(resource)}"\\} 0`),
    );
    expect(text).toMatch(
      new RegExp(`ferry_delivered_batches_total\\{resource="${escapeRegExp(resource)}"\\} [1-9]`),
    );
    expect(text).toContain('ferry_connector_healthy 1');
    expect(text).toContain('process_resident_memory_bytes');
    expect((await fetch(`${url}/nothing`)).status).toBe(404);

    controller.abort();
    await daemon.done;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    const messages = lines.map((l) => JSON.parse(l).msg as string);
    expect(messages).toContain('connector stopped');
    expect(lines.join('')).not.toContain(SECRET);
  });

  it('answers 503 with the reason when capture fails', async () => {
    const resource = uniqueResource();
    const cfg = sqlConfig('failing', 'no_such_table_ferry', resource, 'http: { host: 127.0.0.1, port: 0 }\n');
    const loaded = await loadConnectorConfig(cfg, { PGPASSWORD: 'x' });
    const log = createLogger({ level: 'silent', format: 'json', tty: false, secrets: [], write: () => {} });
    const daemon = await ConnectorDaemon.start({ config: loaded, env: {}, log });
    try {
      let body: { status?: string; reason?: string } = {};
      await waitFor(async () => {
        const res = await fetch(`${daemon.monitoringUrl}/healthz`);
        body = (await res.json()) as typeof body;
        return res.status === 503 && (body.reason ?? '').includes('is failing');
      });
      expect(body.status).toBe('unhealthy');
      expect(body.reason).toContain(
        `capture of public.no_such_table_ferry (${resource}) is failing: FERRY_NOT_FOUND`,
      );

      // A second daemon on the same port is told so, before it touches the outbox.
      const port = new URL(daemon.monitoringUrl!).port;
      const clash = sqlConfig(
        'clash',
        'no_such_table_ferry',
        resource,
        `http: { host: 127.0.0.1, port: ${port} }\n`,
      );
      const second = ConnectorDaemon.start({
        config: await loadConnectorConfig(clash, { PGPASSWORD: 'x' }),
        env: {},
        log,
      });
      await expect(second).rejects.toMatchObject({ code: 'FERRY_CONFIG_INVALID' });
      await expect(second).rejects.toThrow(`http: 127.0.0.1:${port} is in use (another daemon?)`);
    } finally {
      await daemon.stop();
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}
