import { decodeSqlValue } from '@ferry/sdk/connector';
import { Timestamp, Decimal, DateOnly } from '@ferry/sdk/changes';
const N = 200000;
const cols = { ts: { name: 'x', type: 'timestamptz', nativeType: '', nullable: false, primaryKey: false, scale: 6 }, dec: { name: 'd', type: 'decimal', nativeType: '', nullable: false, primaryKey: false }, date: { name: 'dt', type: 'date', nativeType: '', nullable: false, primaryKey: false }, big: { name: 'b', type: 'bigint', nativeType: '', nullable: false, primaryKey: false }, text: { name: 't', type: 'text', nativeType: '', nullable: false, primaryKey: false } } as const;
const vals = { ts: '2026-01-01 08:00:01.123+08', dec: '1234.56', date: '2026-01-02', big: '123456', text: '企业名称-1' };
for (const k of Object.keys(cols) as (keyof typeof cols)[]) {
  const t = performance.now(); for (let i = 0; i < N; i++) decodeSqlValue(vals[k], cols[k] as any);
  console.log(k, ((performance.now() - t)).toFixed(0), 'ms per', N);
}
let t = performance.now(); for (let i = 0; i < N; i++) new Timestamp('2026-01-01T08:00:01.123000+08:00'); console.log('new Timestamp', (performance.now()-t).toFixed(0));
t = performance.now(); for (let i = 0; i < N; i++) new Decimal('1234.56'); console.log('new Decimal', (performance.now()-t).toFixed(0));
