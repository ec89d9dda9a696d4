import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BadRow, processFile, type ResourceConfigInput } from '../src/index.js';
import { tempDir } from './helpers/files.js';
import { MemorySink } from './helpers/memory-sink.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
});
afterEach(() => t.cleanup());

const config: ResourceConfigInput = {
  resource: 'R1',
  format: 'csv',
  columns: {
    编号: { name: 'id', type: 'integer' },
    姓名: { name: 'name', type: 'string' },
    出生日期: { name: 'born', type: 'date', format: 'yyyy/MM/dd' },
  },
  key: ['id'],
};

// line 1 header; 2 good; 3 too few columns; 4 bad date; 5 missing key; 6 good (two lines); 8 duplicate of 2
const CSV =
  '编号,姓名,出生日期\n1,张三,1990/01/31\n2,李四\n3,王五,1990/13/01\n,赵六,1990/01/01\n4,"多行\n名字",1991/02/03\n1,重复,1992/01/01\n5,孙七,1993/03/03\n';

async function run(content: Buffer | string, overrides: Partial<ResourceConfigInput>) {
  const drop = join(t.dir, 'drop');
  mkdirSync(drop, { recursive: true });
  const file = join(drop, 'export.csv');
  writeFileSync(file, content);
  const sink = new MemorySink();
  const outcome = await processFile({
    file,
    sink,
    stateDir: join(t.dir, 'state'),
    config: { ...config, ...overrides } as ResourceConfigInput,
  });
  return { outcome, sink, drop };
}

describe('bad rows', () => {
  it('skips bad rows with file, line and column in a report next to the file, keeping the good rows', async () => {
    const { outcome, sink, drop } = await run(iconv.encode(CSV, 'gbk'), { onBadRow: 'skip' });
    expect(outcome.status).toBe('processed');
    expect(sink.changes.map((c) => c.key.id).sort()).toEqual([1, 4, 5]);
    const report = readFileSync(join(drop, 'processed', 'export.csv.bad-rows.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as BadRow)
      .map((b) => [b.line, b.column?.index, b.column?.name, b.reason]);
    expect(report).toEqual([
      [3, 3, '出生日期', 'columns'],
      [4, 3, '出生日期', 'type'],
      [5, 1, '编号', 'key-missing'],
      [8, undefined, undefined, 'key-duplicate'],
    ]);
    expect(outcome.badRows).toBe(4);
    expect(existsSync(join(drop, 'processed', 'export.csv'))).toBe(true);
  });

  it('rejects the whole file with reject-file: nothing is sent and the reason names the first bad row', async () => {
    const { outcome, sink, drop } = await run(CSV, { onBadRow: 'reject-file' });
    expect(outcome.status).toBe('quarantined');
    expect(sink.batches).toHaveLength(0);
    const reason = JSON.parse(readFileSync(join(drop, 'quarantine', 'export.csv.reason.json'), 'utf8'));
    expect(reason.code).toBe('FERRY_FILE_ROW_INVALID');
    expect(reason.location).toEqual({ file: 'export.csv', line: 3, column: 3 });
    // Duplicates are looked for only once every row reads well (they need the whole file).
    expect(reason.firstBadRows.map((b: BadRow) => b.line)).toEqual([3, 4, 5]);
    expect(readdirSync(drop).sort()).toEqual(['quarantine']);
  });

  it('rejects a duplicate key alone (found only when the buckets are merged)', async () => {
    const { outcome, sink } = await run('编号,姓名,出生日期\n1,a,\n2,b,\n1,c,\n', {});
    expect(outcome.status).toBe('quarantined');
    expect(outcome.reason?.message).toContain('line 4');
    expect(outcome.reason?.message).toContain('already appears at line 2');
    expect(sink.batches).toHaveLength(0);
  });

  it('quarantines a file that does not decode with the byte offset, never half-read', async () => {
    const good = iconv.encode('编号,姓名,出生日期\n1,张三,1990/01/31\n', 'gbk');
    const bad = Buffer.concat([
      good,
      Buffer.from([0xfe, 0x20]),
      iconv.encode('\n2,李四,1990/01/31\n', 'gbk'),
    ]);
    const { outcome, sink, drop } = await run(bad, { encoding: 'gbk', onBadRow: 'skip' });
    expect(outcome.status).toBe('quarantined');
    expect(sink.batches).toHaveLength(0);
    const reason = JSON.parse(readFileSync(join(drop, 'quarantine', 'export.csv.reason.json'), 'utf8'));
    expect(reason).toMatchObject({
      code: 'FERRY_FILE_DECODE',
      location: { file: 'export.csv', offset: good.length },
      encoding: 'gbk',
    });
    // UTF-8 declared, GBK given.
    const wrong = await run(iconv.encode('编号,姓名,出生日期\n', 'gbk'), { encoding: 'utf-8' });
    expect(wrong.outcome.reason).toMatchObject({ code: 'FERRY_FILE_DECODE', location: { offset: 0 } });
  });

  it('reports an unclosed quote as a bad row at its line', async () => {
    const { outcome } = await run('编号,姓名,出生日期\n1,a,\n2,"b,\n3,c,\n', {});
    expect(outcome.status).toBe('quarantined');
    expect(outcome.reason?.firstBadRows?.[0]).toMatchObject({ line: 3, reason: 'syntax' });
    expect(outcome.reason?.message).toMatch(/unterminated/i);
  });
});
