// The per-department rate limit answers 429 with a typed body; other departments keep their budget.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../support/http.js';
import { DEPT } from '../support/pki.js';
import { startTestHub, type TestHub } from '../support/test-hub.js';
import { expectError, pki, type SuiteContext } from './context.js';

export function rateLimitTests(ctx: SuiteContext): void {
  describe('rate limit', () => {
    let limited: TestHub;
    beforeAll(async () => {
      limited = await startTestHub(ctx.database, { rateLimit: { max: 3, windowMs: 60_000 } });
    });
    afterAll(() => limited?.close());

    it('answers the request over the limit with 429 FERRY_RATE_LIMITED, per department', async () => {
      for (let i = 0; i < 3; i++)
        expect((await call(limited.url, pki().reviewer, 'GET', '/v1/catalog/entries')).status).toBe(200);
      const res = await call(limited.url, pki().reviewer, 'GET', '/v1/catalog/entries');
      expectError(res, 429, 'FERRY_RATE_LIMITED');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call(limited.url, pki().admin, 'GET', `/v1/departments/${DEPT.reviewer}`)).status).toBe(
        200,
      );
    });
  });
}
