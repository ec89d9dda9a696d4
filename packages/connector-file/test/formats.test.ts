import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateOnly, Decimal, Timestamp } from '@ferry/sdk/changes';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { processFile, type ResourceConfigInput } from '../src/index.js';
import { tempDir } from './helpers/files.js';
import { MemorySink } from './helpers/memory-sink.js';

const columns = {
  编号: { name: 'id', type: 'integer' },
  姓名: { name: 'name', type: 'string' },
  地址: { name: 'address', type: 'string' },
} as const;

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function run(name: string, content: string | Buffer, config: Partial<ResourceConfigInput>) {
  const t = tempDir();
  cleanup = t.cleanup;
  const drop = join(t.dir, 'drop');
  mkdirSync(drop);
  const file = join(drop, name);
  writeFileSync(file, content);
  const sink = new MemorySink();
  const outcome = await processFile({
    file,
    sink,
    stateDir: join(t.dir, 'state'),
    config: { resource: 'R1', format: 'csv', columns, key: ['id'], ...config } as ResourceConfigInput,
  });
  const rows = sink.changes
    .filter((c) => c.op === 'upsert')
    .map((c) => (c.op === 'upsert' ? c.row : {}))
    .sort((a, b) => Number(a.id) - Number(b.id));
  return { outcome, sink, rows, dir: t.dir };
}

const CSV =
  '编号,姓名,地址\r\n1,张三,"北京市朝阳区, 建国路"\r\n2,李四,"多行\r\n地址 ""引号"""\r\n3,王五,北京"东门"\r\n';
const expected = [
  { id: 1, name: '张三', address: '北京市朝阳区, 建国路' },
  { id: 2, name: '李四', address: '多行\r\n地址 "引号"' },
  { id: 3, name: '王五', address: '北京"东门"' },
];

describe('formats', () => {
  it('reads CSV with quoting, embedded newlines, CRLF and Chinese headers in UTF-8, GBK and GB18030', async () => {
    for (const [bytes, encoding] of [
      [Buffer.from(CSV, 'utf8'), 'auto'],
      [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CSV, 'utf8')]), 'utf-8'],
      [iconv.encode(CSV, 'gbk'), 'gbk'],
      [iconv.encode(CSV, 'gbk'), 'auto'],
      [iconv.encode(CSV.replace('张三', '张㐀𠀀'), 'gb18030'), 'gb18030'],
    ] as const) {
      const { rows, outcome } = await run('export.csv', bytes, { encoding });
      expect(outcome.status).toBe('processed');
      const want =
        encoding === 'gb18030' ? expected.map((r) => (r.id === 1 ? { ...r, name: '张㐀𠀀' } : r)) : expected;
      expect(rows).toEqual(want);
      expect(outcome.encoding).toBe(
        encoding === 'auto' ? (bytes[0] === 0xb1 ? 'gb18030' : 'utf-8') : encoding,
      );
    }
  });

  it('reads custom delimiters and TSV, with a configured header', async () => {
    const semi = await run('a.csv', '编号;姓名;地址\n1;张三;"a;b"\n', { delimiter: ';' });
    expect(semi.rows).toEqual([{ id: 1, name: '张三', address: 'a;b' }]);
    const tsv = await run('a.tsv', '1\t张三\t"北京"\n2\t李四\t\n', {
      format: 'tsv',
      header: ['编号', '姓名', '地址'],
    });
    // TSV exports rarely quote: a quote is text there, and an empty cell is null.
    expect(tsv.rows).toEqual([
      { id: 1, name: '张三', address: '"北京"' },
      { id: 2, name: '李四', address: null },
    ]);
  });

  it('reads NDJSON and JSON arrays, keeping every digit of long numbers', async () => {
    const cfg = {
      columns: {
        id: { name: 'id', type: 'integer' },
        amount: { name: 'amount', type: 'decimal' },
        name: { name: 'name', type: 'string' },
      },
    } as const;
    const nd = await run(
      'a.ndjson',
      '{"id":9007199254740993,"amount":12345678901234567890.12,"name":"张三"}\r\n\n{"id":2,"amount":"0.10","name":null}\n',
      { format: 'ndjson', ...cfg },
    );
    expect(nd.sink.changes.map((c) => (c.op === 'upsert' ? c.row : undefined))).toEqual(
      expect.arrayContaining([
        { id: 9007199254740993n, amount: new Decimal('12345678901234567890.12'), name: '张三' },
        { id: 2, amount: new Decimal('0.10'), name: null },
      ]),
    );
    const arr = await run(
      'a.json',
      iconv.encode(
        '[{"id":9007199254740993,"amount":1.5e3,"name":"张三"},\n {"id":2,"amount":0.1,"name":"李四","extra":[1]}]',
        'gbk',
      ),
      {
        format: 'json',
        ...cfg,
      },
    );
    expect(arr.sink.changes.map((c) => (c.op === 'upsert' ? c.row : undefined))).toEqual(
      expect.arrayContaining([
        { id: 9007199254740993n, amount: new Decimal('1500'), name: '张三' },
        { id: 2, amount: new Decimal('0.1'), name: '李四' },
      ]),
    );
  });

  it('reads the first or a named sheet of an XLSX workbook, with dates and numbers typed', async () => {
    const wb = new ExcelJS.Workbook();
    const other = wb.addWorksheet('说明');
    other.addRow(['这是说明页']);
    const ws = wb.addWorksheet('人口');
    ws.addRow(['编号', '姓名', '出生日期', '更新时间', '金额', '身份证号']);
    ws.addRow([
      1,
      '张三',
      new Date(Date.UTC(1990, 0, 31)),
      new Date(Date.UTC(2026, 10, 26, 8, 30, 0)),
      12.5,
      '110105199001310011',
    ]);
    ws.addRow([2, '李四', '1991/02/01', '2026-11-26 09:00:00', '7.25']);
    ws.addRow([]);
    const t = tempDir();
    const path = join(t.dir, 'book.xlsx');
    await wb.xlsx.writeFile(path);
    const bytes = (await import('node:fs')).readFileSync(path);
    t.cleanup();
    const xlsxColumns = {
      编号: { name: 'id', type: 'integer' },
      姓名: { name: 'name', type: 'string' },
      出生日期: { name: 'born', type: 'date', format: 'yyyy/MM/dd' },
      更新时间: { name: 'updated', type: 'datetime', zone: 'Asia/Shanghai' },
      金额: { name: 'amount', type: 'decimal' },
      身份证号: { name: 'idCard', type: 'string' },
    } as const;
    const named = await run('book.xlsx', bytes, { format: 'xlsx', sheet: '人口', columns: xlsxColumns });
    expect(named.outcome.status).toBe('processed');
    expect(named.rows).toEqual([
      {
        id: 1,
        name: '张三',
        born: new DateOnly('1990-01-31'),
        updated: new Timestamp('2026-11-26T08:30:00+08:00'),
        amount: new Decimal('12.5'),
        idCard: '110105199001310011',
      },
      {
        id: 2,
        name: '李四',
        born: new DateOnly('1991-02-01'),
        updated: new Timestamp('2026-11-26T09:00:00+08:00'),
        amount: new Decimal('7.25'),
        idCard: null,
      },
    ]);
    const byIndex = await run('book.xlsx', bytes, { format: 'xlsx', sheet: 2, columns: xlsxColumns });
    expect(byIndex.rows).toHaveLength(2);
    // The first sheet lacks the configured columns: the workbook goes to quarantine, saying so.
    const first = await run('book.xlsx', bytes, { format: 'xlsx', columns: xlsxColumns });
    expect(first.outcome.status).toBe('quarantined');
    expect(first.outcome.reason?.code).toBe('FERRY_FILE_MALFORMED');
    expect(first.outcome.reason?.message).toContain('"编号"');
    const missing = await run('book.xlsx', bytes, { format: 'xlsx', sheet: '不存在', columns: xlsxColumns });
    expect(missing.outcome.reason?.message).toContain('"人口"');
  });
});
