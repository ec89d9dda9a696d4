import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Change, Decimal } from '@ferry/sdk/changes';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeCursor, processFile, type ResourceConfigInput } from '../src/index.js';
import { apply, tempDir, wire } from './helpers/files.js';
import { MemorySink } from './helpers/memory-sink.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

const config: ResourceConfigInput = {
  resource: 'R1',
  format: 'csv',
  encoding: 'gbk',
  columns: {
    编号: { name: 'id', type: 'integer' },
    姓名: { name: 'name', type: 'string' },
    金额: { name: 'amount', type: 'decimal' },
  },
  key: ['id'],
};

type Row = [number, string, string];
const csv = (rows: Row[]) =>
  iconv.encode(`编号,姓名,金额\r\n${rows.map((r) => r.join(',')).join('\r\n')}\r\n`, 'gbk');

function summary(changes: readonly Change[]): string[] {
  return changes
    .map((c) => (c.op === 'upsert' ? `+${String(c.key.id)}:${String(c.row.name)}` : `-${String(c.key.id)}`))
    .sort();
}

describe('change detection', () => {
  it('sends only what changed across three successive exports', async () => {
    const drop = join(t.dir, 'drop');
    mkdirSync(drop);
    const sink = new MemorySink();
    const state = new Map<string, string>();
    // Small buckets force several of them, so the merge across bucket boundaries is exercised.
    const opts = { sink, stateDir: join(t.dir, 'state'), config, bucketBytes: 256, batchSize: 3 };
    const exports: Row[][] = [
      [
        [1, '张三', '1.00'],
        [2, '李四', '2.00'],
        [3, '王五', '3.00'],
        [4, '赵六', '4.00'],
      ],
      [
        [1, '张三', '1.00'],
        [2, '李四', '2.50'],
        [4, '赵六', '4.00'],
        [5, '孙七', '5.00'],
      ],
      [
        [5, '孙七', '5.00'],
        [2, '李四', '2.50'],
        [6, '周八', '6.00'],
      ],
    ];
    const expected = [
      ['+1:张三', '+2:李四', '+3:王五', '+4:赵六'],
      ['+2:李四', '+5:孙七', '-3'],
      ['+6:周八', '-1', '-4'],
    ];
    for (let i = 0; i < exports.length; i++) {
      const file = join(drop, `export-${i + 1}.csv`);
      writeFileSync(file, csv(exports[i]!));
      sink.clear();
      const outcome = await processFile({ file, ...opts });
      expect(outcome.status).toBe('processed');
      expect(summary(sink.changes)).toEqual(expected[i]);
      expect(outcome.generation).toBe(i + 1);
      apply(state, sink.changes);
      // The first export is a full snapshot (begin … end); later ones are plain incremental batches.
      const frames = sink.batches.map((b) => b.snapshot);
      if (i === 0) expect(frames).toEqual(['begin', 'end']);
      else expect(frames.every((f) => f === undefined)).toBe(true);
      const cursor = decodeCursor(sink.batches.at(-1)?.cursor);
      expect(cursor).toMatchObject({
        file: `export-${i + 1}.csv`,
        generation: i + 1,
        done: true,
        offset: sink.changes.length,
      });
    }
    const final = [...state.values()].sort();
    expect(final).toEqual(
      exports[2]!.map(([id, name, amount]) => wire({ id, name, amount: new Decimal(amount) })).sort(),
    );
    expect(readdirSync(join(drop, 'processed')).sort()).toEqual([
      'export-1.csv',
      'export-2.csv',
      'export-3.csv',
    ]);
  });

  it('sends nothing for an identical export, and resnapshots when the configuration changes', async () => {
    const drop = join(t.dir, 'drop');
    mkdirSync(drop);
    const sink = new MemorySink();
    const rows: Row[] = [
      [1, '张三', '1.00'],
      [2, '李四', '2.00'],
    ];
    const stateDir = join(t.dir, 'state');
    writeFileSync(join(drop, 'a.csv'), csv(rows));
    await processFile({ file: join(drop, 'a.csv'), sink, stateDir, config });
    sink.clear();
    writeFileSync(join(drop, 'a.csv'), csv(rows));
    const same = await processFile({ file: join(drop, 'a.csv'), sink, stateDir, config });
    expect(same).toMatchObject({ status: 'processed', unchanged: 2, upserts: 0, deletes: 0 });
    expect(same.movedTo.endsWith('a.1.csv')).toBe(true);
    expect(sink.batches).toHaveLength(0);
    // A new column type changes every row's values: everything is sent again, framed as a snapshot.
    writeFileSync(join(drop, 'a.csv'), csv(rows));
    const changed = {
      ...config,
      columns: { ...config.columns, 金额: { name: 'amount', type: 'string' } },
    } as ResourceConfigInput;
    const re = await processFile({ file: join(drop, 'a.csv'), sink, stateDir, config: changed });
    expect(re).toMatchObject({ snapshot: true, upserts: 2 });
    expect(sink.batches.map((b) => b.snapshot)).toEqual(['begin', 'end']);
  });

  it('append mode sends every row as an upsert, with a synthetic key when none is configured', async () => {
    const drop = join(t.dir, 'drop');
    mkdirSync(drop);
    const sink = new MemorySink();
    const log: ResourceConfigInput = {
      resource: 'LOG',
      format: 'ndjson',
      mode: 'append',
      key: [],
      columns: { at: { name: 'at', type: 'datetime' }, msg: { name: 'msg', type: 'string' } },
    };
    const stateDir = join(t.dir, 'state');
    const lines = '{"at":"2026-11-26 08:00:00","msg":"登录"}\n{"at":"2026-11-26 08:00:00","msg":"登录"}\n';
    writeFileSync(join(drop, 'log1.ndjson'), lines);
    const first = await processFile({ file: join(drop, 'log1.ndjson'), sink, stateDir, config: log });
    writeFileSync(join(drop, 'log2.ndjson'), lines);
    await processFile({ file: join(drop, 'log2.ndjson'), sink, stateDir, config: log });
    expect(first).toMatchObject({ snapshot: false, upserts: 2 });
    const changes = sink.changes;
    expect(changes).toHaveLength(4);
    expect(changes.every((c) => c.op === 'upsert')).toBe(true);
    // Identical rows stay distinct: the key is the export's content hash and the row's line.
    expect(new Set(changes.map((c) => String(c.key._row))).size).toBe(2);
    expect(changes[0]!.op === 'upsert' && changes[0]!.row.msg).toBe('登录');
    expect(sink.batches.every((b) => b.snapshot === undefined)).toBe(true);
    // With a key, a repeated key within one file is still a bad row.
    writeFileSync(join(drop, 'log3.ndjson'), '{"id":1}\n{"id":1}\n');
    const keyed = await processFile({
      file: join(drop, 'log3.ndjson'),
      sink,
      stateDir: join(t.dir, 'state2'),
      config: {
        resource: 'LOG2',
        format: 'ndjson',
        mode: 'append',
        key: ['id'],
        columns: { id: { name: 'id', type: 'integer' } },
      },
    });
    expect(keyed.status).toBe('quarantined');
  });
});
