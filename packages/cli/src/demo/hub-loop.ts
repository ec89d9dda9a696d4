// Steps: the whole exchange loop through a real hub on loopback — start the platform on a temporary SQLite
// file, register and approve a catalog entry, send changes through the durable outbox, pull them as the
// consuming department, and see the platform refuse a resource that is not shared.
import { join } from 'node:path';
import { createHub } from '@ferry/hub';
import {
  CatalogClient,
  type CatalogEntry,
  type Change,
  DateOnly,
  FerryClient,
  isFerryError,
  requestSigner,
  Timestamp,
} from '@ferry/sdk';
import { type DemoStep, need, type SuiteContext } from './context.js';
import { CONSUMER, PROVIDER, RESOURCE, REVIEWER, SAMPLE_ROWS } from './sample-data.js';

/** A second resource of the provider, marked 不予共享. */
const UNSHARED = { code: '101001/000002', name: '人口敏感信息' };

function entry(code: string, name: string, share: CatalogEntry['share']): CatalogEntry {
  return {
    classification: { category: 'basic', subclass: '01', group: '001' },
    code,
    name,
    provider: PROVIDER.organization,
    providerCode: PROVIDER.code,
    summary: '户籍人口的基本信息，由公安部门维护，供各部门办理政务服务时核验。',
    format: { type: 'database', detail: 'oracle table' },
    dataItems: [
      { name: '公民身份号码', dataType: 'string', length: 18, key: true },
      { name: '姓名', dataType: 'string', length: 50, key: false },
      { name: '性别', dataType: 'string', length: 2, key: false },
      { name: '民族', dataType: 'string', length: 20, key: false },
      { name: '出生日期', dataType: 'date', key: false },
      { name: '户籍地址', dataType: 'string', length: 200, key: false },
      { name: '更新时间', dataType: 'datetime', key: false },
    ],
    share,
    open: { isOpen: false },
    updateCycle: 'realtime',
    releaseDate: '2026-01-01',
    version: 1,
    secrecy: 'non-classified',
    level: 'department',
  } as CatalogEntry;
}

/** Synthetic people: the three sample rows, then generated ones. */
function peopleChanges(count: number): Change[] {
  return Array.from({ length: count }, (_, i) => {
    const sample = SAMPLE_ROWS[i % SAMPLE_ROWS.length]!;
    const id = `510104${String(19_800_101 + (i % 9000)).padStart(8, '0')}${String(i).padStart(4, '0')}`.slice(
      0,
      18,
    );
    const key = { 公民身份号码: id };
    return {
      op: 'upsert',
      key,
      row: {
        ...key,
        姓名: i < SAMPLE_ROWS.length ? sample.姓名! : `${sample.姓名}${i}`,
        性别: sample.性别!,
        民族: sample.民族!,
        出生日期: new DateOnly(sample.出生日期!),
        户籍地址: sample.户籍地址!,
        更新时间: new Timestamp(sample.更新时间!),
      },
    } satisfies Change;
  });
}

function client(ctx: SuiteContext, identity: NonNullable<SuiteContext['provider']>, name: string) {
  return FerryClient.connect({
    hubUrl: need(ctx.hubUrl, 'hub'),
    identity,
    trust: need(ctx.trust, 'trust store'),
    storageDir: join(ctx.dir, name),
    batch: { maxRows: 500, maxAgeMs: 100 },
    delivery: { pollMs: 20, pauseMs: 500 },
  });
}

export const startHub: DemoStep = {
  name: 'hub',
  async run(ctx) {
    const hubIdentity = need(ctx.hubIdentity, 'platform identity');
    const ca = need(ctx.ca, 'CA');
    const hub = await createHub({
      server: { host: '127.0.0.1', port: 0 },
      identity: { certificate: hubIdentity.certificate.toPem(), privateKey: hubIdentity.privateKey.toPem() },
      trust: { ca: ca.certificate.toPem() },
      database: { sqlite: join(ctx.dir, 'hub.sqlite') },
      admins: [REVIEWER.code],
      reviewers: [REVIEWER.code],
      departments: [PROVIDER, CONSUMER, REVIEWER].map((d, i) => ({
        code: d.code,
        name: d.organization,
        certificates: [need([ctx.provider, ctx.consumer, ctx.reviewer][i], d.name).certificate.toPem()],
      })),
      log: { level: 'silent' },
    });
    ctx.cleanup.push(() => hub.close());
    ctx.hub = hub;
    ctx.hubUrl = await hub.listen();
    return {
      summary: `platform ${hub.departmentCode} on ${ctx.hubUrl} (SQLite ${join(ctx.dir, 'hub.sqlite')})`,
    };
  },
};

export const registerCatalog: DemoStep = {
  name: 'catalog',
  async run(ctx) {
    const url = need(ctx.hubUrl, 'hub');
    const provider = new CatalogClient({
      baseUrl: url,
      signRequest: requestSigner(need(ctx.provider, 'provider')),
    });
    const reviewer = new CatalogClient({
      baseUrl: url,
      signRequest: requestSigner(need(ctx.reviewer, 'reviewer')),
    });
    try {
      await provider.submit(
        entry(RESOURCE.code, RESOURCE.name, { type: 'unconditional', methods: ['platform'] }),
      );
      await reviewer.review(RESOURCE.code, 1, 'approve', '符合编制要求');
      await reviewer.publish(RESOURCE.code, 1);
      await provider.submit(
        entry(UNSHARED.code, UNSHARED.name, { type: 'none', condition: '涉及个人敏感信息，依法不予共享' }),
      );
      await reviewer.review(UNSHARED.code, 1, 'approve');
      const published = await reviewer.publish(UNSHARED.code, 1);
      return {
        summary: `${PROVIDER.name} registered 2 resources; ${REVIEWER.name} approved and published them`,
        details: [
          `${RESOURCE.code}  ${RESOURCE.name}  无条件共享`,
          `${UNSHARED.code}  ${UNSHARED.name}  不予共享  (status ${published.status})`,
        ],
      };
    } finally {
      provider.close();
      reviewer.close();
    }
  },
};

export const sendChanges: DemoStep = {
  name: 'send',
  async run(ctx) {
    const ferry = await client(ctx, need(ctx.provider, 'provider'), 'provider-storage');
    try {
      const changes = peopleChanges(ctx.options.rows);
      const t0 = performance.now();
      await ferry.send(RESOURCE.code, changes);
      await ferry.drain(60_000);
      const ms = performance.now() - t0;
      const stream = ferry.status().streams.find((s) => s.resource === RESOURCE.code);
      return {
        summary: `${changes.length} rows → outbox → platform in ${stream?.delivered ?? 0} sealed envelopes, each acknowledged by a verified signed receipt`,
        details: [
          `${Math.round(changes.length / (ms / 1000))} rows/s end to end; outbox empty: ${stream?.pendingBatches === 0}`,
        ],
      };
    } finally {
      await ferry.close();
    }
  },
};

export const pullChanges: DemoStep = {
  name: 'pull',
  async run(ctx) {
    const ferry = await client(ctx, need(ctx.consumer, 'consumer'), 'consumer-storage');
    try {
      const received: Change[] = [];
      const ac = new AbortController();
      const deadline = setTimeout(() => ac.abort(), 30_000);
      await ferry.subscribe(
        RESOURCE.code,
        (changes) => {
          received.push(...changes);
          if (received.length >= ctx.options.rows) ac.abort();
        },
        { signal: ac.signal, intervalMs: 50 },
      );
      clearTimeout(deadline);
      if (received.length !== ctx.options.rows) {
        throw new Error(`expected ${ctx.options.rows} rows, received ${received.length}`);
      }
      const first = received[0];
      const name = first?.op === 'upsert' ? String(first.row.姓名) : '?';
      return {
        summary: `${CONSUMER.name} pulled ${received.length} rows after its checkpoint, sealed to it by the platform`,
        details: [
          `first row: ${name}, 出生日期 ${first?.op === 'upsert' ? String(first.row.出生日期) : '?'}`,
        ],
      };
    } finally {
      await ferry.close();
    }
  },
};

export const refuseUnshared: DemoStep = {
  name: 'not shared',
  async run(ctx) {
    const ferry = await client(ctx, need(ctx.consumer, 'consumer'), 'consumer-storage-2');
    try {
      await ferry.subscribe(UNSHARED.code, () => {}, { signal: AbortSignal.timeout(5000), intervalMs: 50 });
    } catch (err) {
      const code = isFerryError(err)
        ? String((err.details?.hubError as { code?: string })?.code ?? err.code)
        : String(err);
      if (code !== 'FERRY_SHARE_DENIED') throw err;
      return { summary: `${CONSUMER.name} cannot pull ${UNSHARED.code} (不予共享): ${code}` };
    } finally {
      await ferry.close();
    }
    throw new Error('the platform served a resource marked 不予共享');
  },
};
