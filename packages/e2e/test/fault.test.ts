// kill -9 the sender at random moments while it sends a stream, and stop the hub mid-stream: afterwards the
// hub's table equals the source exactly and no change was applied twice.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPT, type Platform, RESOURCE, startPlatform } from './support/platform.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TOTAL = Number(process.env.FERRY_FAULT_ROWS ?? 3000);
const KILLS = Number(process.env.FERRY_FAULT_KILLS ?? 6);

// Deterministic jitter so a failure reproduces.
function* delays(seed: number) {
  let s = seed >>> 0;
  for (;;) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    yield 150 + (((t ^ (t >>> 14)) >>> 0) % 900);
  }
}

function runChild(
  args: string[],
  killAfterMs?: number,
): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'support', 'sender-child.ts'), ...args],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, out });
    });
  });
}

describe('crash safety', () => {
  let platform: Platform;
  let dir: string;
  beforeAll(async () => {
    platform = await startPlatform({ kind: 'sqlite' });
    dir = mkdtempSync(join(tmpdir(), 'ferry-fault-'));
  });
  afterAll(async () => {
    await platform?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`loses and duplicates nothing when the sender is killed ${KILLS} times and the hub restarts mid-stream`, async () => {
    const pkiFile = join(dir, 'pki.json');
    writeFileSync(
      pkiFile,
      JSON.stringify({
        cert: platform.pki.provider.certificate.toPem(),
        key: platform.pki.provider.privateKey.toPem(),
        ca: platform.pki.caPem,
      }),
    );
    const storage = join(dir, 'storage');
    const args = () => [platform.url, storage, RESOURCE, String(TOTAL), pkiFile];
    const jitter = delays(0xfe22);
    let killed = 0;
    for (let round = 0; round < KILLS; round++) {
      const result = await runChild(args(), jitter.next().value as number);
      if (result.signal === 'SIGKILL') killed++;
      else expect(result.code, result.out).toBe(0);
      if (round === Math.floor(KILLS / 2)) {
        // The platform goes away for a while and comes back on the same database.
        await platform.stop();
        const down = runChild(args(), 600);
        await new Promise((r) => setTimeout(r, 300));
        await platform.restart();
        await down;
      }
    }
    const final = await runChild(args());
    expect(final.code, final.out).toBe(0);
    expect(killed).toBeGreaterThan(0);

    const rows = await platform.rows();
    const mine = rows.filter((r) => r.sender === DEPT.provider).map((r) => JSON.parse(r.row));
    expect(mine).toHaveLength(TOTAL);
    const digest = (values: string[]) => createHash('sha256').update(values.sort().join('\n')).digest('hex');
    const expected = Array.from({ length: TOTAL }, (_, i) =>
      JSON.stringify({ id: { $int: String(i) }, name: `行-${i}`, amount: { $dec: `${i}.${i % 10_000}` } }),
    );
    expect(digest(mine.map((r) => JSON.stringify(r)))).toBe(digest(expected));
    // Every change applied once: the hub's change log holds exactly the source's rows.
    expect(await platform.appliedChanges(DEPT.provider)).toBe(TOTAL);
  }, 240_000);
});
