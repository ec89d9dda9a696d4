// Generated exports for the large tests: a population-register-like GBK CSV, deterministic per version.
import { closeSync, openSync, writeSync } from 'node:fs';
import iconv from 'iconv-lite';
import type { ResourceConfigInput } from '../../src/index.js';

export const HEADER = '编号,姓名,身份证号,金额,出生日期,更新时间,地址,有效';

export const registerConfig: ResourceConfigInput = {
  resource: 'RK-TEST',
  format: 'csv',
  encoding: 'gbk',
  columns: {
    编号: { name: 'id', type: 'integer' },
    姓名: { name: 'name', type: 'string' },
    身份证号: { name: 'idCard', type: 'string' },
    金额: { name: 'amount', type: 'decimal' },
    出生日期: { name: 'born', type: 'date', format: 'yyyy/MM/dd' },
    更新时间: { name: 'updated', type: 'datetime', zone: 'Asia/Shanghai' },
    地址: { name: 'address', type: 'string' },
    有效: { name: 'valid', type: 'boolean' },
  },
  key: ['id'],
};

const SURNAMES = '张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华';
const STREETS = ['人民路', '解放大道', '建设街', '中山路', '和平里', '长江路'];

/** One CSV line of row `i` in export `version` (versions change amounts and addresses of some rows). */
export function registerLine(i: number, version = 1): string {
  const name = SURNAMES[i % 20]! + GIVEN[(i * 7) % 25]! + (i % 3 ? GIVEN[(i * 13) % 25]! : '');
  const year = 1950 + (i % 60);
  const mm = String(1 + (i % 12)).padStart(2, '0');
  const dd = String(1 + (i % 28)).padStart(2, '0');
  const changed = version > 1 && i % 10 === version % 10;
  const amount = `${(i % 100000) + (changed ? version * 1000 : 0)}.${String(i % 100).padStart(2, '0')}`;
  const street = STREETS[(i + (changed ? version : 0)) % 6]!;
  const addr = `北京市朝阳区${street}${(i % 300) + 1}号${i % 7 === 0 ? '"东门"' : ''}`;
  const quoted = addr.includes('"') ? `"${addr.replaceAll('"', '""')}"` : addr;
  return `${i + 1},${name},110105${year}${mm}${dd}${String(i % 10000).padStart(4, '0')},${amount},${year}/${mm}/${dd},2026-03-${dd} 08:${String(i % 60).padStart(2, '0')}:00,${quoted},${i % 2 ? '是' : '否'}`;
}

/** Row indexes of export `version` of `rows` rows: some deleted, some added after the last. */
export function registerRows(rows: number, version = 1): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows; i++) if (version === 1 || i % 50 !== version % 50) out.push(i);
  if (version > 1) for (let i = rows; i < rows + Math.floor(rows / 100); i++) out.push(i);
  return out;
}

/** Writes export `version` to `path` in GBK; returns its size in bytes. */
export function writeRegister(path: string, rows: number, version = 1): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    let text = `${HEADER}\r\n`;
    for (const i of registerRows(rows, version)) {
      text += `${registerLine(i, version)}\r\n`;
      if (text.length > 1 << 20) {
        bytes += writeSync(fd, iconv.encode(text, 'gbk'));
        text = '';
      }
    }
    bytes += writeSync(fd, iconv.encode(text, 'gbk'));
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** Writes about `mb` MiB of export `version`. */
export function writeRegisterMb(path: string, mb: number, version = 1): { rows: number; bytes: number } {
  const rows = Math.ceil((mb * 1024 * 1024) / 101);
  return { rows, bytes: writeRegister(path, rows, version) };
}
