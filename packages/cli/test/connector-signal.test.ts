// The daemon as a real process: SIGTERM in the middle of a snapshot stops it cleanly (exit 0), and a
// restart continues from the cursor in the outbox with nothing lost.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ferry } from './run.js';
import {
  createPeopleTable,
  hubRowsComparable,
  hubSection,
  pgQuery,
  pgRowsAsWire,
  startTestPlatform,
  type TestPlatform,
  uniqueResource,
  uniqueTable,
  writeConfig,
} from './support/connector-platform.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/src/bin.ts');

let platform: TestPlatform;
let dir: string;
const table = uniqueTable('ferry_cli_signal');

beforeAll(async () => {
  platform = await startTestPlatform();
  dir = mkdtempSync(join(tmpdir(), 'ferry-cli-signal-'));
});
afterAll(async () => {
  await pgQuery(`DROP TABLE IF EXISTS ${table} CASCADE`).catch(() => undefined);
  await platform?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Child {
  process: ChildProcess;
  lines: Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startDaemon(config: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, 'connector', 'run', config], {
    cwd: ROOT,
    env: { ...process.env, FERRY_DEBUG: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    buffer += text;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      nl = buffer.indexOf('\n');
    }
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (t: string) => {
    stderr += t;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('exit', (code, signal) => {
      if (code !== 0 && stderr) console.error(stderr);
      res({ code, signal });
    }),
  );
  return { process: child, lines, exited };
}

async function waitFor(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ferry connector run in its own process', () => {
  it('exits 0 on SIGTERM mid-snapshot, and a restart resumes from the cursor with nothing lost', async () => {
    const resource = uniqueResource();
    await createPeopleTable(table, 5_000);
    await platform.publish(resource);
    const config = writeConfig(
      dir,
      'signal.yaml',
      `${hubSection(platform)}storageDir: ${join(dir, 'state')}
source:
  kind: postgres
  connection: postgres://postgres@127.0.0.1:5432/test
tables:
  - table: public.${table}
    resource: ${resource}
    strategy: { kind: timestamp, column: updated_at, lagSeconds: 0 }
snapshot: { chunkSize: 50 }
schedule: { intervalSeconds: 0.2 }
http: false
log: { level: debug }
`,
    );

    const first = startDaemon(config);
    const snapshotBatches = () => first.lines.filter((l) => l.msg === 'batch written to the outbox').length;
    await waitFor(() => snapshotBatches() >= 10);
    first.process.kill('SIGTERM');
    const { code } = await first.exited;
    expect(code).toBe(0);
    const messages = first.lines.map((l) => l.msg);
    expect(messages).toContain('connector stopped');
    const stoppedMidSnapshot = !messages.includes('snapshot completed');

    // Changes while the daemon is down.
    await pgQuery(`INSERT INTO ${table} (id, name, amount) VALUES (30001, '停机期间', 1.00)`);
    await pgQuery(
      `UPDATE ${table} SET name = '停机期间修改', updated_at = clock_timestamp() WHERE id = 5000`,
    );

    const second = await ferry(['connector', 'run', config, '--until-idle'], {});
    expect(second.code).toBe(0);
    // The snapshot was resumed after the last key the outbox holds, not started again.
    expect(second.stdout).not.toContain('"msg":"snapshot started"');
    if (stoppedMidSnapshot) expect(second.stdout).toContain('"msg":"snapshot completed"');
    const hub = hubRowsComparable(await platform.rows(resource));
    expect(hub).toHaveLength(5_001);
    expect(hub).toEqual(await pgRowsAsWire(table));
  }, 60_000);
});
