// kill -9 for real: a child process runs the drop folder over two big exports into a file-backed sink and
// is killed at random moments, then restarted, until it finishes on its own. The sink must then hold
// exactly the changes of an uninterrupted run: every batch once, in order, nothing lost.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Change } from '@ferry/sdk/changes';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCursor, processFile } from '../src/index.js';
import { readBatches } from './helpers/file-sink.js';
import { apply, tempDir, wire } from './helpers/files.js';
import { registerConfig, writeRegister } from './helpers/generate.js';
import { MemorySink } from './helpers/memory-sink.js';

const ROWS = 30_000;
const t = tempDir('ferry-crash-');
afterAll(() => t.cleanup());

function runChild(dir: string, sinkPath: string): { child: ChildProcess; done: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'fixtures', 'drop-child.ts'), dir, sinkPath],
    {
      cwd: join(__dirname, '..', '..', '..'),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const done = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      if (code !== null && code !== 0) console.error(err);
      resolve(code);
    });
  });
  return { child, done };
}

/** Reference: the same two exports through an uninterrupted run. */
async function reference(): Promise<Change[][]> {
  const dir = join(t.dir, 'ref');
  mkdirSync(dir);
  const sink = new MemorySink();
  const out: Change[][] = [];
  for (const v of [1, 2]) {
    const file = join(dir, `export-${v}.csv`);
    writeRegister(file, ROWS, v);
    sink.clear();
    await processFile({ file, sink, stateDir: join(dir, 'state'), config: registerConfig });
    out.push(sink.changes);
  }
  return out;
}

const sorted = (changes: readonly Change[]) =>
  changes.map((c) => `${c.op}${wire(c.key)}${c.op === 'upsert' ? wire(c.row) : ''}`).sort();

describe('crash recovery', () => {
  it('survives kill -9 at random points without losing or duplicating a change', async () => {
    const dir = join(t.dir, 'drop');
    mkdirSync(dir);
    writeRegister(join(dir, 'export-1.csv'), ROWS, 1);
    writeRegister(join(dir, 'export-2.csv'), ROWS, 2);
    const sinkPath = join(t.dir, 'sink.ndjson');
    // Deterministic "random" kill delays spread over start-up, scanning, diffing and sending.
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let kills = 0;
    let killsWhileSending = 0;
    const sinkSize = () => (existsSync(sinkPath) ? statSync(sinkPath).size : 0);
    for (let attempt = 0; attempt < 20; attempt++) {
      const before = sinkSize();
      const { child, done } = runChild(dir, sinkPath);
      let exited = false;
      void done.then(() => {
        exited = true;
      });
      if (attempt < 6) {
        // Even attempts: kill at a random moment (start-up, scan, diff or sending); odd ones: kill once
        // the child has sent a random amount, so some kills land between batches of an export.
        const byProgress = attempt % 2 === 1;
        // Short enough that an idle machine, where the child runs fastest, is still interrupted.
        const delay = 150 + random() * 900;
        const grow = 10_000 + random() * 150_000;
        const started = Date.now();
        while (!exited) {
          await new Promise((r) => setTimeout(r, 25));
          if (byProgress ? sinkSize() - before >= grow : Date.now() - started >= delay) {
            child.kill('SIGKILL');
            kills++;
            if (sinkSize() > before) killsWhileSending++;
            break;
          }
        }
      }
      const code = await done;
      if (code === 0) break;
      expect(code === null || code === 0).toBe(true);
    }
    expect(kills).toBeGreaterThanOrEqual(3);
    // At least one kill landed between two batches of an export (the others during start-up, scan or diff).
    expect(killsWhileSending).toBeGreaterThanOrEqual(1);
    expect(readdirSync(join(dir, 'processed')).sort()).toEqual(['export-1.csv', 'export-2.csv']);
    expect(existsSync(join(dir, 'export-1.csv')) || existsSync(join(dir, 'export-2.csv'))).toBe(false);

    // Every generation's batches chain offset to offset from 0 to its total: no gap, no repeat.
    const batches = readBatches(sinkPath);
    const byGen = new Map<number, Change[]>();
    const expectedOffset = new Map<number, number>();
    for (const b of batches) {
      const c = decodeCursor(b.cursor)!;
      const at = expectedOffset.get(c.generation) ?? 0;
      expect(c.offset - b.changes.length).toBe(at);
      expectedOffset.set(c.generation, c.offset);
      byGen.set(c.generation, [...(byGen.get(c.generation) ?? []), ...b.changes]);
    }
    const last = decodeCursor(batches.at(-1)?.cursor);
    expect(last).toMatchObject({ generation: 2, done: true });

    const [ref1, ref2] = await reference();
    expect(byGen.get(1)!.length).toBe(ref1!.length);
    expect(sorted(byGen.get(1)!)).toEqual(sorted(ref1!));
    expect(sorted(byGen.get(2)!)).toEqual(sorted(ref2!));
    const crashed = apply(
      new Map(),
      batches.flatMap((b) => b.changes),
    );
    const clean = apply(new Map(), [...ref1!, ...ref2!]);
    expect(crashed.size).toBe(clean.size);
    expect([...crashed.entries()].sort()).toEqual([...clean.entries()].sort());
    console.log(
      `crash: ${kills} kills (${killsWhileSending} while sending), ${batches.length} batches, ${byGen.get(2)!.length} changes in the second export`,
    );
  }, 120_000);
});
