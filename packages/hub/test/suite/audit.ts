// The audit log records every ingest and pull, with stream positions and cursors.
import { describe, expect, it } from 'vitest';
import { CODE } from '../support/entries.js';
import { DEPT } from '../support/pki.js';
import { api, expectError, pki, type SuiteContext } from './context.js';

export function auditTests(ctx: SuiteContext): void {
  const request = api(ctx);
  describe('audit', () => {
    it('is readable by reviewers and admins only', async () => {
      expectError(await request(pki().consumer, 'GET', '/v1/audit'), 403, 'FERRY_FORBIDDEN');
      expect((await request(pki().admin, 'GET', '/v1/audit?limit=1')).json.items).toHaveLength(1);
    });

    it('records ingests with their stream position and outcome', async () => {
      const res = await request(
        pki().reviewer,
        'GET',
        `/v1/audit?actor=${DEPT.provider}&resource=${encodeURIComponent(CODE.open)}&limit=1000`,
      );
      const ingests = res.json.items.filter((e: { action: string }) => e.action === 'ingest');
      expect(
        ingests.find((e: { outcome: string; seq: number }) => e.outcome === 'ok' && e.seq === 1),
      ).toMatchObject({
        actor: DEPT.provider,
        resource: CODE.open,
        epoch: 1,
        rows: 5,
        envelopeId: expect.stringMatching(/^[0-9a-f]{32}$/),
        at: expect.any(String),
      });
      expect(ingests.filter((e: { outcome: string }) => e.outcome === 'duplicate')).toHaveLength(2);
      expect(ingests.find((e: { outcome: string }) => e.outcome === 'rejected')).toMatchObject({
        details: { code: 'FERRY_SEQUENCE_GAP' },
      });
    });

    it('records pulls with the cursors and the number of changes', async () => {
      const res = await request(pki().reviewer, 'GET', `/v1/audit?actor=${DEPT.consumer}&limit=1000`);
      const pulls = res.json.items.filter((e: { action: string }) => e.action === 'pull');
      expect(
        pulls.find(
          (e: { cursorFrom: string; resource: string }) => e.cursorFrom === '0' && e.resource === CODE.open,
        ),
      ).toMatchObject({
        cursorTo: '8',
        rows: 8,
        outcome: 'ok',
      });
      expect(pulls.find((e: { cursorFrom: string }) => e.cursorFrom === '8')).toMatchObject({
        cursorTo: '8',
        rows: 0,
      });
    });
  });
}
