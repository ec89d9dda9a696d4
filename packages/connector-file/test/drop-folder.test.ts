import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDropFolder, type DropFolderEvent, type ResourceConfigInput } from '../src/index.js';
import { tempDir } from './helpers/files.js';
import { MemorySink } from './helpers/memory-sink.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

const people: ResourceConfigInput = {
  resource: 'RK-0001',
  format: 'csv',
  columns: { 编号: { name: 'id', type: 'integer' }, 姓名: { name: 'name', type: 'string' } },
  key: ['id'],
};
const orgs: ResourceConfigInput = { ...people, resource: 'FR-0001' };

function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) resolve();
      else if (Date.now() > until) reject(new Error('timed out'));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

describe('drop folder', () => {
  it('processes ready files in name order, per resource, and waits for markers', async () => {
    const dir = join(t.dir, 'drop');
    mkdirSync(dir);
    const sink = new MemorySink();
    const folder = createDropFolder({
      dir,
      sink,
      marker: '.ok',
      resources: [
        { config: people, files: '人口_*.csv' },
        { config: orgs, files: /^法人_.*\.csv$/ },
      ],
    });
    writeFileSync(join(dir, '人口_20261102.csv'), '编号,姓名\n1,张三\n2,李四\n');
    writeFileSync(join(dir, '人口_20261101.csv'), '编号,姓名\n1,张三\n');
    writeFileSync(join(dir, '法人_20261101.csv'), '编号,姓名\n9,某公司\n');
    writeFileSync(join(dir, '其他.csv'), 'x\n');
    writeFileSync(join(dir, '人口_20261102.csv.ok'), '');
    writeFileSync(join(dir, '法人_20261101.csv.ok'), '');
    // 人口_20261101 has no marker yet: the later 人口 export must wait for it; 法人 goes ahead.
    let outcomes = await folder.runOnce();
    expect(outcomes.map((o) => o.file)).toEqual(['法人_20261101.csv']);
    writeFileSync(join(dir, '人口_20261101.csv.ok'), '');
    outcomes = await folder.runOnce();
    expect(outcomes.map((o) => [o.file, o.upserts])).toEqual([
      ['人口_20261101.csv', 1],
      ['人口_20261102.csv', 1],
    ]);
    expect(readdirSync(dir).sort()).toEqual(['.ferry', 'processed', '其他.csv']);
    expect(sink.batches.map((b) => b.resource)).toContain('FR-0001');
    await folder.close();
  });

  it('watches: waits until size and mtime are stable, then processes and quarantines', async () => {
    const dir = join(t.dir, 'drop');
    mkdirSync(dir);
    const sink = new MemorySink();
    const events: DropFolderEvent[] = [];
    const folder = createDropFolder({
      dir,
      sink,
      resources: [{ config: people }],
      stableMs: 300,
      pollIntervalMs: 50,
      onEvent: (e) => events.push(e),
    });
    await folder.start();
    const path = join(dir, 'a.csv');
    writeFileSync(path, '编号,姓名\n1,张三\n');
    // Still being written: keep growing it (with an old mtime, as a timestamp-preserving copy does).
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 100));
      writeFileSync(
        path,
        `编号,姓名\n1,张三\n${Array.from({ length: i + 1 }, (_, k) => `${k + 2},x\n`).join('')}`,
      );
      utimesSync(path, new Date(2020, 0, 1), new Date(2020, 0, 1));
      expect(events).toHaveLength(0);
    }
    await waitFor(() => events.length === 1);
    expect(events[0]).toMatchObject({ type: 'processed', outcome: { rows: 6 } });
    writeFileSync(join(dir, 'b.csv'), '编号\n1\n');
    await waitFor(() => events.length === 2);
    expect(events[1]).toMatchObject({
      type: 'quarantined',
      outcome: { reason: { code: 'FERRY_FILE_MALFORMED' } },
    });
    const reason = JSON.parse(readFileSync(join(dir, 'quarantine', 'b.csv.reason.json'), 'utf8'));
    expect(reason.message).toContain('lacks configured column "姓名"');
    await folder.close();
    await folder.close();
    expect(existsSync(join(dir, '.ferry', 'daemon.lock'))).toBe(false);
  });

  it('refuses a second daemon on the same folder', async () => {
    const dir = join(t.dir, 'drop');
    mkdirSync(dir);
    const a = createDropFolder({
      dir,
      sink: new MemorySink(),
      resources: [{ config: people }],
      watch: false,
    });
    const b = createDropFolder({
      dir,
      sink: new MemorySink(),
      resources: [{ config: people }],
      watch: false,
    });
    await a.start();
    await expect(b.start()).rejects.toMatchObject({ code: 'FERRY_CONFLICT' });
    await a.close();
    await b.start();
    await b.close();
  });
});
