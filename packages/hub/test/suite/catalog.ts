// The catalog registry through the SDK's CatalogClient: submit, review, publish, versions, withdraw, roles.
import { CatalogClient, type FerryError, requestSigner } from '@ferry/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { CODE, entry } from '../support/entries.js';
import { api, expectError, pki, type SuiteContext } from './context.js';

async function rejection(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await promise;
  } catch (err) {
    const details = (err as FerryError).details as { status: number; hubError?: { code: string } };
    return { status: details.status, code: details.hubError?.code ?? '' };
  }
  throw new Error('expected the hub to refuse');
}

export function catalogTests(ctx: SuiteContext): void {
  const request = api(ctx);
  describe('catalog', () => {
    const clients: CatalogClient[] = [];
    const client = (as: ReturnType<typeof pki>['provider']) => {
      const c = new CatalogClient({ baseUrl: ctx.hub().url, signRequest: requestSigner(as), retries: 0 });
      clients.push(c);
      return c;
    };
    afterAll(() => {
      for (const c of clients) c.close();
    });

    it('the provider submits an entry; the same again is 200, other content under the same version is 409', async () => {
      const provider = client(pki().provider);
      const first = await provider.submit(entry(CODE.lifecycle));
      expect(first).toMatchObject({
        created: true,
        record: { code: CODE.lifecycle, version: 1, status: 'submitted' },
      });
      const again = await provider.submit(entry(CODE.lifecycle));
      expect(again).toMatchObject({ created: false, record: { version: 1, status: 'submitted' } });
      expect(await rejection(provider.submit(entry(CODE.lifecycle, { name: '改过的名称' })))).toEqual({
        status: 409,
        code: 'FERRY_CONFLICT',
      });
    });

    it('refuses an entry registered by another department, and an invalid entry with 422', async () => {
      expect(await rejection(client(pki().consumer).submit(entry('101002/000009')))).toEqual({
        status: 403,
        code: 'FERRY_FORBIDDEN',
      });
      const invalid = { ...entry('101002/000008'), dataItems: [] };
      const res = await request(pki().provider, 'POST', '/v1/catalog/entries', invalid);
      expectError(res, 422, 'FERRY_CATALOG_INVALID');
      expect(res.json.location).toEqual({ field: 'dataItems' });
      expect(res.json.details.issues[0]).toMatchObject({ path: 'dataItems', messageZh: expect.any(String) });
    });

    it('only a reviewer reviews and publishes; the lifecycle is enforced', async () => {
      const provider = client(pki().provider);
      const reviewer = client(pki().reviewer);
      expect(await rejection(provider.review(CODE.lifecycle, 1, 'approve'))).toEqual({
        status: 403,
        code: 'FERRY_FORBIDDEN',
      });
      expect(await rejection(reviewer.publish(CODE.lifecycle, 1))).toEqual({
        status: 409,
        code: 'FERRY_CATALOG_TRANSITION',
      });
      const approved = await reviewer.review(CODE.lifecycle, 1, 'approve', '符合编目要求');
      expect(approved).toMatchObject({ status: 'approved', reviewComment: '符合编目要求' });
      expect(await rejection(provider.publish(CODE.lifecycle, 1))).toEqual({
        status: 403,
        code: 'FERRY_FORBIDDEN',
      });
      expect(await reviewer.publish(CODE.lifecycle, 1)).toMatchObject({ status: 'published' });
      // Retrying a move already made answers with the version as it is.
      expect(await reviewer.publish(CODE.lifecycle, 1)).toMatchObject({ status: 'published' });
      expect(await rejection(reviewer.publish(CODE.lifecycle, 7))).toEqual({
        status: 404,
        code: 'FERRY_NOT_FOUND',
      });
    });

    it('a new version is reviewed while the published one stays readable, then supersedes it', async () => {
      const provider = client(pki().provider);
      const reviewer = client(pki().reviewer);
      const reader = client(pki().consumer);
      expect(await rejection(provider.submit(entry(CODE.lifecycle, { version: 3, name: '第三版' })))).toEqual(
        {
          status: 409,
          code: 'FERRY_CONFLICT',
        },
      );
      await provider.submit(entry(CODE.lifecycle, { version: 2, name: '第二版' }));
      expect(await reader.get(CODE.lifecycle)).toMatchObject({ version: 1, status: 'published' });
      expect(await provider.get(CODE.lifecycle, 2)).toMatchObject({ version: 2, status: 'submitted' });
      expect(await rejection(reader.get(CODE.lifecycle, 2))).toEqual({
        status: 404,
        code: 'FERRY_NOT_FOUND',
      });
      // Only one version may be on its way at a time.
      expect(await rejection(provider.submit(entry(CODE.lifecycle, { version: 3 })))).toEqual({
        status: 409,
        code: 'FERRY_CATALOG_TRANSITION',
      });

      await reviewer.review(CODE.lifecycle, 2, 'approve');
      await reviewer.publish(CODE.lifecycle, 2);
      expect(await reader.get(CODE.lifecycle)).toMatchObject({
        version: 2,
        status: 'published',
        entry: { name: '第二版' },
      });
      expect(await reader.get(CODE.lifecycle, 1)).toMatchObject({ status: 'superseded' });
    });

    it('refuses a version that changes the key items of a published resource', async () => {
      const changed = entry(CODE.lifecycle, { version: 3, composite: true });
      const res = await request(pki().provider, 'POST', '/v1/catalog/entries', changed);
      expectError(res, 422, 'FERRY_CATALOG_INVALID');
    });

    it('a rejected version is withdrawn by its provider only; withdrawing the published version unpublishes it', async () => {
      const provider = client(pki().provider);
      const reviewer = client(pki().reviewer);
      await provider.submit(entry(CODE.lifecycle, { version: 3, name: '第三版' }));
      expect(await reviewer.review(CODE.lifecycle, 3, 'reject', '共享条件未写明依据')).toMatchObject({
        status: 'rejected',
      });
      expect(await rejection(client(pki().consumer).withdraw(CODE.lifecycle, 3))).toEqual({
        status: 403,
        code: 'FERRY_FORBIDDEN',
      });
      expect(await rejection(reviewer.withdraw(CODE.lifecycle, 3))).toEqual({
        status: 403,
        code: 'FERRY_FORBIDDEN',
      });
      expect(await provider.withdraw(CODE.lifecycle, 3)).toMatchObject({ status: 'withdrawn' });
      expect(await provider.withdraw(CODE.lifecycle, 2)).toMatchObject({ status: 'withdrawn' });
      expect(await rejection(client(pki().consumer).get(CODE.lifecycle))).toEqual({
        status: 404,
        code: 'FERRY_NOT_FOUND',
      });
      expect(await provider.get(CODE.lifecycle)).toMatchObject({ version: 3, status: 'withdrawn' });
    });

    it('lists what each department may see', async () => {
      await client(pki().provider).submit(entry('101002/000002'));
      const mine = (await client(pki().provider).list()).map((r) => r.code);
      expect(mine).toContain('101002/000002');
      const theirs = (await client(pki().consumer).list()).map((r) => r.code);
      expect(theirs).not.toContain('101002/000002');
      const all = (await client(pki().reviewer).list()).map((r) => r.code);
      expect(all).toContain('101002/000002');
    });
  });
}
