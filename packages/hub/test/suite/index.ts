// The hub suite: one sequence of tests over real HTTP, run once per database kind. Parts run in order and
// build on each other (departments → catalog → ingest → pull → audit).
import { afterAll, beforeAll, describe } from 'vitest';
import { type DatabaseCase, startTestHub, type TestHub } from '../support/test-hub.js';
import { auditTests } from './audit.js';
import { authTests } from './auth.js';
import { catalogTests } from './catalog.js';
import type { SuiteContext } from './context.js';
import { departmentTests } from './departments.js';
import { ingestTests } from './ingest.js';
import { malformedInputTests } from './malformed.js';
import { pullTests } from './pull.js';
import { rateLimitTests } from './rate-limit.js';

/** Runs the whole hub suite against `database`. */
export function hubSuite(label: string, database: () => DatabaseCase): void {
  describe(`hub on ${label}`, () => {
    let hub: TestHub | undefined;
    const ctx: SuiteContext = {
      get database() {
        return database();
      },
      hub: () => {
        if (!hub) throw new Error('hub not started');
        return hub;
      },
    };
    beforeAll(async () => {
      hub = await startTestHub(database());
    });
    afterAll(() => hub?.close());

    departmentTests(ctx);
    authTests(ctx);
    catalogTests(ctx);
    ingestTests(ctx);
    pullTests(ctx);
    auditTests(ctx);
    malformedInputTests(ctx);
    rateLimitTests(ctx);
  });
}
