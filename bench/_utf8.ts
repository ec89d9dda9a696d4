import { DateOnly, Decimal, encodeChanges, Timestamp, type Change } from '@ferry/sdk';
const batch = (first: number): Change[] => Array.from({ length: 1000 }, (_, i) => { const id = BigInt(first + i); return { op: 'upsert' as const, key: { id }, row: { id, name: i % 2 ? '张三' : '李四·欧阳', address: `山东省济南市历下区泉城路${first + i}号（政务服务中心）`, amount: new Decimal(`${first + i}.50`), born: new DateOnly('1990-01-11'), updated: new Timestamp('2026-11-26T08:00:00.123456+08:00') } }; });
const content = Buffer.from(encodeChanges(batch(0)));
const td = new TextDecoder();
const bench = (label: string, fn: () => unknown) => { for (let i = 0; i < 20; i++) fn(); const t = performance.now(); for (let i = 0; i < 100; i++) fn(); console.log(label.padEnd(34), ((performance.now() - t) / 100).toFixed(3), 'ms'); };
for (let r = 0; r < 2; r++) {
bench('buffer.toString utf8', () => content.toString('utf8'));
bench('TextDecoder', () => td.decode(content));
const s = content.toString('utf8');
bench('split', () => s.split('\n'));
bench('indexOf loop + slice', () => { const out = []; let st = 0; for (;;) { const e = s.indexOf('\n', st); if (e < 0) break; out.push(s.slice(st, e)); st = e + 1; } return out; });
bench('buffer line toString', () => { const out = []; let st = 0; for (;;) { const e = content.indexOf(10, st); if (e < 0) break; out.push(content.toString('utf8', st, e)); st = e + 1; } return out; });
const lines = s.split('\n').filter(Boolean);
bench('JSON.parse lines', () => lines.map((l) => JSON.parse(l)));
}
