// Pulling shared data: share types decide who may read; the answer is sealed by the hub to the consumer.
import { CHANGES_CONTENT_TYPE, decodeChanges, type Identity, open } from '@ferry/sdk';
import { beforeAll, describe, expect, it } from 'vitest';
import { CODE } from '../support/entries.js';
import { changesPath, postEnvelope } from '../support/http.js';
import { DEPT } from '../support/pki.js';
import { api, expectError, pki, type SuiteContext } from './context.js';
import { changesEnvelope, person } from './envelopes.js';

export function pullTests(ctx: SuiteContext): void {
  const request = api(ctx);
  const openFor = async (me: Identity, bytes: Buffer) => {
    const opened = await open(bytes, { me, trust: pki().trust, expectedSender: DEPT.hub });
    expect(opened.header.content.type).toBe(CHANGES_CONTENT_TYPE);
    return decodeChanges(opened.content);
  };

  describe('pull', () => {
    beforeAll(async () => {
      // Data for the conditional and the closed resource.
      for (const code of [CODE.conditional, CODE.closed]) {
        const res = await postEnvelope(
          ctx.hub().url,
          await changesEnvelope(pki().provider, code, 1, 0, [person('110101199001010011', '张三')]),
        );
        if (res.status !== 200) throw new Error(res.bytes.toString('utf8'));
      }
    });

    it('an unconditionally shared resource is pulled by any registered department, sealed to it', async () => {
      const res = await request(pki().consumer, 'GET', changesPath(CODE.open));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.ferry.envelope');
      expect(res.headers.get('x-ferry-has-more')).toBe('false');
      const changes = await openFor(pki().consumer, res.bytes);
      // Every change as applied, in order: batch 0 (2), batch 1 (5), batch 2 (1).
      expect(changes).toHaveLength(8);
      expect(changes[0]).toMatchObject({ op: 'upsert', key: { 公民身份号码: '110101199001010011' } });
      expect(changes[3]).toEqual({ op: 'delete', key: { 公民身份号码: '110101199001010022' } });
      expect(res.headers.get('x-ferry-next-cursor')).toBe('8');
      // The envelope is for the consumer alone.
      await expect(openFor(pki().other, res.bytes)).rejects.toMatchObject({
        code: 'FERRY_ENVELOPE_NOT_RECIPIENT',
      });

      const none = await request(pki().consumer, 'GET', changesPath(CODE.open, '8'));
      expect(none.status).toBe(204);
      expect(none.headers.get('x-ferry-next-cursor')).toBe('8');
      expect(none.headers.get('x-ferry-has-more')).toBe('false');
    });

    it('pages with limit and cursor across batches', async () => {
      const seen: string[] = [];
      let cursor = '0';
      for (let page = 0; page < 10; page++) {
        const res = await request(pki().other, 'GET', changesPath(CODE.open, cursor, 3));
        if (res.status === 204) break;
        const changes = await openFor(pki().other, res.bytes);
        seen.push(...changes.map((c) => `${c.op}:${String(c.key.公民身份号码)}`));
        cursor = res.headers.get('x-ferry-next-cursor')!;
        expect(res.headers.get('x-ferry-has-more')).toBe(seen.length < 8 ? 'true' : 'false');
      }
      expect(seen).toHaveLength(8);
      expect(cursor).toBe('8');
    });

    it('a conditionally shared resource needs an approved application', async () => {
      const { consumer, other, reviewer, provider } = pki();
      expectError(await request(consumer, 'GET', changesPath(CODE.conditional)), 403, 'FERRY_SHARE_DENIED');
      const body = {
        resource: CODE.conditional,
        purpose: '核验就诊人员身份',
        basis: '《某市政务数据共享管理办法》第十条',
      };
      const created = await request(consumer, 'POST', '/v1/applications', body);
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({
        consumer: DEPT.consumer,
        resource: CODE.conditional,
        status: 'pending',
      });
      expect((await request(consumer, 'POST', '/v1/applications', body)).json.id).toBe(created.json.id);
      expectError(
        await request(consumer, 'POST', '/v1/applications', { ...body, purpose: '别的用途' }),
        409,
        'FERRY_CONFLICT',
      );
      expectError(await request(consumer, 'GET', changesPath(CODE.conditional)), 403, 'FERRY_SHARE_DENIED');

      const review = `/v1/applications/${created.json.id}/review`;
      expectError(await request(provider, 'POST', review, { decision: 'approve' }), 403, 'FERRY_FORBIDDEN');
      const approved = await request(reviewer, 'POST', review, { decision: 'approve', comment: '同意' });
      expect(approved.json).toMatchObject({ status: 'approved', reviewer: DEPT.reviewer, comment: '同意' });

      const res = await request(consumer, 'GET', changesPath(CODE.conditional));
      expect(res.status).toBe(200);
      expect(await openFor(consumer, res.bytes)).toHaveLength(1);
      expectError(await request(other, 'GET', changesPath(CODE.conditional)), 403, 'FERRY_SHARE_DENIED');

      const mine = await request(consumer, 'GET', '/v1/applications?status=approved');
      expect(mine.json.items.map((a: { id: string }) => a.id)).toEqual([created.json.id]);
      expect((await request(other, 'GET', '/v1/applications')).json.items).toEqual([]);
      expect((await request(provider, 'GET', '/v1/applications')).json.items).toHaveLength(1);
      expect((await request(reviewer, 'GET', '/v1/applications?status=pending')).json.items).toEqual([]);
    });

    it('a resource that is not shared is refused to everyone, and takes no applications', async () => {
      for (const as of [pki().consumer, pki().provider, pki().reviewer]) {
        expectError(await request(as, 'GET', changesPath(CODE.closed)), 403, 'FERRY_SHARE_DENIED');
      }
      const res = await request(pki().consumer, 'POST', '/v1/applications', {
        resource: CODE.closed,
        purpose: 'x',
        basis: 'y',
      });
      expectError(res, 403, 'FERRY_SHARE_DENIED');
      const open = await request(pki().consumer, 'POST', '/v1/applications', {
        resource: CODE.open,
        purpose: 'x',
        basis: 'y',
      });
      expectError(open, 409, 'FERRY_CONFLICT');
    });

    it('a resource that is not published cannot be pulled', async () => {
      expectError(await request(pki().consumer, 'GET', changesPath('101002/000001')), 404, 'FERRY_NOT_FOUND');
    });
  });
}
