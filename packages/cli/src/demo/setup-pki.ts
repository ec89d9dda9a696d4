// Step: a development platform CA and two department certificates, written as files and loaded back the
// way a department system loads its identity.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadIdentity, TrustStore } from '@ferry/sdk';
import { initCa } from '../pki/ca-files.js';
import { issueDepartment } from '../pki/issue-department.js';
import type { DemoStep } from './context.js';
import { CONSUMER, type DemoDepartment, PLATFORM, PROVIDER, REVIEWER } from './sample-data.js';

export const setupPki: DemoStep = {
  name: 'pki',
  async run(ctx) {
    const caDir = join(ctx.dir, 'ca');
    const ca = await initCa({
      dir: caDir,
      algorithm: ctx.suite.algorithm,
      name: `Ferry Demo CA (${ctx.suite.name})`,
      organization: '某省大数据中心',
      days: 30,
      force: false,
    });
    const load = async (dept: DemoDepartment) => {
      const issued = await issueDepartment({
        ca,
        name: dept.name,
        code: dept.code,
        organization: dept.organization,
        profile: 'department',
        days: 7,
        outDir: join(ctx.dir, 'departments'),
        force: false,
      });
      return loadIdentity({
        certificate: await readFile(issued.files.certificate),
        privateKey: await readFile(issued.files.key!),
      });
    };
    ctx.provider = await load(PROVIDER);
    ctx.consumer = await load(CONSUMER);
    ctx.reviewer = await load(REVIEWER);
    ctx.hubIdentity = await load(PLATFORM);
    ctx.trust = new TrustStore([ca.certificate]);
    ctx.ca = { certificate: ca.certificate, privateKey: ca.privateKey };
    return {
      summary: `dev CA + certificates for ${PROVIDER.name}, ${CONSUMER.name}, ${REVIEWER.name} and the platform`,
    };
  },
};
