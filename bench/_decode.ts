import { DateOnly, Decimal, decodeRecord, encodeChanges, Timestamp, type Change } from '@ferry/sdk';
import { decodeBatch } from '../packages/hub/src/ingest/decode-batch.js';
const batch = (first: number): Change[] => Array.from({ length: 1000 }, (_, i) => { const id = BigInt(first + i); return { op: 'upsert' as const, key: { id }, row: { id, name: i % 2 ? '张三' : '李四·欧阳', address: `山东省济南市历下区泉城路${first + i}号（政务服务中心）`, amount: new Decimal(`${first + i}.50`), born: new DateOnly('1990-01-11'), updated: new Timestamp('2026-11-26T08:00:00.123456+08:00') } }; });
const content = encodeChanges(batch(0));
const text = Buffer.from(content).toString('utf8');
const lines = text.split('\n').filter(Boolean);
const keyItems = [{ name: 'id', dataType: 'integer' as const, column: 'k_0' }];
const bench = (label: string, fn: () => unknown) => { for (let i = 0; i < 20; i++) fn(); const t = performance.now(); for (let i = 0; i < 50; i++) fn(); console.log(label.padEnd(34), ((performance.now() - t) / 50).toFixed(2), 'ms'); };
for (let r = 0; r < 2; r++) {
bench('decodeBatch', () => decodeBatch(content, keyItems));
bench('toString+split', () => Buffer.from(content).toString('utf8').split('\n'));
bench('JSON.parse per line', () => lines.map((l) => JSON.parse(l)));
bench('JSON.parse as one array', () => JSON.parse(`[${lines.join(',')}]`));
const parsed = lines.map((l) => JSON.parse(l));
bench('decodeRecord(row)', () => parsed.map((p) => decodeRecord(p.row)));
bench('decodeRecord(key)', () => parsed.map((p) => decodeRecord(p.key)));
bench('JSON.stringify(row)', () => parsed.map((p) => JSON.stringify(p.row)));
}
