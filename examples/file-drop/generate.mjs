// Writes two daily exports of a fictitious allowance register into ./drop, as a legacy system would:
// GBK, CRLF, a Chinese header, one quoted field with a comma, and (on day 2) one bad row.
// Usage: node generate.mjs [rows]   (default 20000 rows, about 1.5 MB per file)
import { mkdirSync, writeFileSync } from 'node:fs';
import iconv from 'iconv-lite';

const rows = Number(process.argv[2] ?? 20000);
const surnames = '张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗';
const given = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华';

function line(i, day) {
  const name = surnames[i % 20] + given[(i * 7) % 25] + (i % 3 ? given[(i * 13) % 25] : '');
  const y = 1940 + (i % 70);
  const m = String(1 + (i % 12)).padStart(2, '0');
  const d = String(1 + (i % 28)).padStart(2, '0');
  // On day 2 every 20th person's allowance changes (and so does the row's update time).
  const changed = day === 2 && i % 20 === 0;
  const cents = 100000 + (i % 900) * 100 + (changed ? 5000 : 0);
  const amount = `"${Math.floor(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}"`;
  return `${i + 1},${name},110105${y}${m}${d}${String(i % 1000).padStart(3, '0')}X,${amount},${y}/${m}/${d},2026112${changed ? 2 : 1}0800${String(i % 60).padStart(2, '0')},${i % 17 ? '是' : '否'}`;
}

function write(day) {
  const lines = ['编号,姓名,身份证号,补贴金额,出生日期,更新时间,是否有效'];
  for (let i = 0; i < rows; i++) {
    // Day 2: every 50th person has left the register, and 100 new ones arrive.
    if (day === 2 && i % 50 === 7) continue;
    lines.push(line(i, day));
  }
  if (day === 2) {
    for (let i = rows; i < rows + 100; i++) lines.push(line(i, day));
    lines.push(`${rows + 200},错行,1101,不是金额,2026/02/30,20261122080000,是`);
  }
  const file = `drop/补贴名册_2026112${day}.csv`;
  writeFileSync(file, iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk'));
  console.log(`wrote ${file} (${lines.length - 1} rows, GBK)`);
}

mkdirSync('drop', { recursive: true });
write(1);
write(2);
