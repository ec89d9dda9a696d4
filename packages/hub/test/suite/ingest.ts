// Envelope ingest: exactly once per stream position, receipts that verify, changes applied to the table,
// and every way an envelope is refused.
import { randomBytes } from 'node:crypto';
import { type Change, type SignedReceipt, verifyReceipt } from '@ferry/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { CODE } from '../support/entries.js';
import { postEnvelope } from '../support/http.js';
import { DEPT } from '../support/pki.js';
import { expectError, pki, type SuiteContext } from './context.js';
import { changesEnvelope, person, publishDataResources } from './envelopes.js';

export function ingestTests(ctx: SuiteContext): void {
  const post = (frame: Uint8Array) => postEnvelope(ctx.hub().url, frame);
  const verify = (signed: SignedReceipt, envelopeId?: string) =>
    verifyReceipt(signed, { trust: pki().trust, hub: DEPT.hub, ...(envelopeId ? { envelopeId } : {}) });

  describe('envelope ingest', () => {
    beforeAll(() => publishDataResources(ctx));
    let firstReceipt: SignedReceipt;
    const firstId = randomBytes(16).toString('hex');

    it('applies the first batch and answers with a receipt that verifies', async () => {
      const frame = await changesEnvelope(
        pki().provider,
        CODE.open,
        1,
        0,
        [person('110101199001010011', '张三'), person('110101199001010022', '李四')],
        {
          id: firstId,
        },
      );
      const res = await post(frame);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ferry-duplicate')).toBe('false');
      firstReceipt = res.json;
      expect(verify(firstReceipt, firstId)).toMatchObject({
        envelopeId: firstId,
        sender: DEPT.provider,
        resource: CODE.open,
        epoch: 1,
        seq: 0,
        rows: 2,
        status: 'applied',
        hub: DEPT.hub,
      });
      const rows = await ctx.hub().tableRows(CODE.open);
      expect(rows.map((r) => [r.sender, r.k_0, JSON.parse(String(r.row)).姓名])).toEqual([
        [DEPT.provider, '110101199001010011', '张三'],
        [DEPT.provider, '110101199001010022', '李四'],
      ]);
      // Stored as text (SQLite binds the row's bytes and casts them), read back as a string.
      expect(rows.map((r) => typeof r.row)).toEqual(['string', 'string']);
    });

    it('answers the same envelope again with the same receipt (a retry is not an error)', async () => {
      const frame = await changesEnvelope(
        pki().provider,
        CODE.open,
        1,
        0,
        [person('110101199001010011', '张三'), person('110101199001010022', '李四')],
        {
          id: firstId,
        },
      );
      const res = await post(frame);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ferry-duplicate')).toBe('true');
      expect(res.json).toEqual(firstReceipt);
    });

    it('answers a repeated stream position under a new id with the stored receipt, applying nothing', async () => {
      const frame = await changesEnvelope(pki().provider, CODE.open, 1, 0, [
        person('110101199001010011', '王五'),
      ]);
      const res = await post(frame);
      expect(res.status).toBe(200);
      expect(res.json).toEqual(firstReceipt);
      const rows = await ctx.hub().tableRows(CODE.open);
      expect(rows.map((r) => JSON.parse(String(r.row)).姓名)).toEqual(['张三', '李四']);
    });

    it('refuses a gap with 409 and the seq it expects', async () => {
      const res = await post(
        await changesEnvelope(pki().provider, CODE.open, 1, 2, [person('110101199001010033', '赵六')]),
      );
      expectError(res, 409, 'FERRY_SEQUENCE_GAP');
      expect(res.json.details).toMatchObject({ expectedSeq: 1, epoch: 1 });
    });

    it('applies upserts and deletes of the next batch to the table', async () => {
      const res = await post(
        await changesEnvelope(pki().provider, CODE.open, 1, 1, [
          person('110101199001010033', '赵六'),
          { op: 'delete', key: { 公民身份号码: '110101199001010022' } },
          person('110101199001010011', '张三丰'),
          // Within one batch the last change of a key wins.
          person('110101199001010044', '临时'),
          { op: 'delete', key: { 公民身份号码: '110101199001010044' } },
        ]),
      );
      expect(res.status).toBe(200);
      expect(verify(res.json)).toMatchObject({ seq: 1, rows: 5, status: 'applied' });
      const rows = await ctx.hub().tableRows(CODE.open);
      expect(rows.map((r) => [r.k_0, JSON.parse(String(r.row)).姓名, Number(r.seq)])).toEqual([
        ['110101199001010011', '张三丰', 1],
        ['110101199001010033', '赵六', 1],
      ]);
    });

    it('keys of the same value land on one row however they were encoded', async () => {
      const key = (n: number | bigint) => ({ 区划代码: '370102', 编号: n });
      const res = await post(
        await changesEnvelope(pki().provider, CODE.composite, 5, 0, [
          { op: 'upsert', key: key(7), row: { ...key(7), 姓名: '甲' } },
          { op: 'upsert', key: key(8n), row: { ...key(8n), 姓名: '乙' } },
        ]),
      );
      expect(res.status).toBe(200);
      const second = await post(
        await changesEnvelope(pki().provider, CODE.composite, 5, 1, [
          { op: 'upsert', key: key(7n), row: { ...key(7n), 姓名: '丙' } },
        ]),
      );
      expect(second.status).toBe(200);
      const rows = await ctx.hub().tableRows(CODE.composite);
      expect(rows.map((r) => [r.k_0, r.k_1, JSON.parse(String(r.row)).姓名])).toEqual([
        ['370102', '7', '丙'],
        ['370102', '8', '乙'],
      ]);
    });

    it('starts a new epoch at seq 0 and refuses the old epoch afterwards', async () => {
      expectError(
        await post(await changesEnvelope(pki().provider, CODE.composite, 6, 3, [])),
        409,
        'FERRY_SEQUENCE_GAP',
      );
      const res = await post(await changesEnvelope(pki().provider, CODE.composite, 6, 0, []));
      expect(res.status).toBe(200);
      expect(verify(res.json)).toMatchObject({ epoch: 6, seq: 0, rows: 0 });
      const old = await post(await changesEnvelope(pki().provider, CODE.composite, 5, 2, []));
      expectError(old, 409, 'FERRY_STREAM_EPOCH');
      expect(old.json.details).toMatchObject({ currentEpoch: 6 });
    });

    it('applies a large batch in chunks, and deletes by composite key', async () => {
      const key = (n: number) => ({ 区划代码: n % 2 ? '370102' : '370103', 编号: 1000 + n });
      const upserts: Change[] = Array.from({ length: 1234 }, (_, n) => ({
        op: 'upsert',
        key: key(n),
        row: { ...key(n), 姓名: `居民${n}` },
      }));
      // Uncompressed, the frame is larger than the JSON body limit (64 KiB here) and within the envelope limit.
      const frame = await changesEnvelope(pki().provider, CODE.composite, 6, 1, upserts, {
        compression: 'none',
      });
      expect(frame.length).toBeGreaterThan(64 * 1024);
      const res = await post(frame);
      expect(res.status).toBe(200);
      expect(verify(res.json)).toMatchObject({ rows: 1234 });
      expect(await ctx.hub().tableRows(CODE.composite)).toHaveLength(2 + 1234);
      const deletes: Change[] = Array.from({ length: 617 }, (_, n) => ({ op: 'delete', key: key(n * 2) }));
      expect((await post(await changesEnvelope(pki().provider, CODE.composite, 6, 2, deletes))).status).toBe(
        200,
      );
      const rows = await ctx.hub().tableRows(CODE.composite);
      expect(rows).toHaveLength(2 + 617);
      expect(rows.every((r) => r.k_0 === '370102')).toBe(true);
    });

    it('holds envelopes that arrive ahead of their stream and applies them in seq order', async () => {
      // A sender with several envelopes in flight: seq 2 and 1 reach the hub before seq 0.
      const frames = await Promise.all(
        [0, 1, 2].map((seq) =>
          changesEnvelope(pki().provider, CODE.composite, 9, seq, [
            {
              op: 'upsert',
              key: { 区划代码: '370102', 编号: 100 },
              row: { 区划代码: '370102', 编号: 100, 姓名: `第${seq}` },
            },
          ]),
        ),
      );
      const later = [post(frames[2]!), post(frames[1]!)];
      await new Promise((resolve) => setTimeout(resolve, 50));
      const first = await post(frames[0]!);
      const answers = [first, ...(await Promise.all(later))];
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(answers.map((r) => verify(r.json).seq)).toEqual([0, 2, 1]);
      const rows = await ctx.hub().tableRows(CODE.composite);
      const row = rows.find((r) => r.k_1 === '100');
      // The last seq wins although it arrived first.
      expect(JSON.parse(String(row?.row)).姓名).toBe('第2');
      expect(Number(row?.seq)).toBe(2);
    });

    it('refuses senders that are not the provider, not registered or not trusted', async () => {
      expectError(
        await post(await changesEnvelope(pki().consumer, CODE.open, 1, 0, [person('1', 'x')])),
        403,
        'FERRY_FORBIDDEN',
      );
      expectError(
        await post(await changesEnvelope(pki().stranger, CODE.open, 1, 0, [person('1', 'x')])),
        401,
        'FERRY_AUTH_INVALID',
      );
      expectError(
        await post(await changesEnvelope(pki().rogueProvider, CODE.open, 1, 2, [person('1', 'x')])),
        401,
        'FERRY_AUTH_INVALID',
      );
    });

    it('refuses envelopes the hub cannot or may not apply', async () => {
      const { provider, consumer } = pki();
      const notForHub = await changesEnvelope(provider, CODE.open, 1, 2, [person('1', 'x')], {
        to: [consumer.certificate],
      });
      expectError(await post(notForHub), 400, 'FERRY_ENVELOPE_NOT_RECIPIENT');
      const rowsNotChanges = await changesEnvelope(provider, CODE.open, 1, 2, [person('1', 'x')], {
        contentType: 'application/x-ndjson',
      });
      expectError(await post(rowsNotChanges), 400, 'FERRY_INVALID_ARGUMENT');
      expectError(
        await post(await changesEnvelope(provider, '101009/000001', 1, 0, [])),
        404,
        'FERRY_NOT_FOUND',
      );
      const missingKey = await changesEnvelope(provider, CODE.open, 1, 2, [
        person('1', 'x'),
        { op: 'upsert', key: { 姓名: 'x' }, row: { 姓名: 'x' } },
      ]);
      const res = await post(missingKey);
      expectError(res, 400, 'FERRY_INVALID_ARGUMENT');
      expect(res.json.location).toMatchObject({ line: 2 });
      // None of these moved the stream: seq 2 is still next.
      expect(
        (await post(await changesEnvelope(provider, CODE.open, 1, 2, [person('110101199001010055', '钱七')])))
          .status,
      ).toBe(200);
    });
  });
}
