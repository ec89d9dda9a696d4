// Building envelopes of change batches as a department's sender would.
import {
  type Certificate,
  CHANGES_CONTENT_TYPE,
  type Change,
  encodeChanges,
  type Identity,
  seal,
} from '@ferry/sdk';
import { CODE, entry } from '../support/entries.js';
import { api, pki, type SuiteContext } from './context.js';

/** Seals `changes` for the hub as `from`, at stream position `epoch`/`seq`. */
export function changesEnvelope(
  from: Identity,
  resource: string,
  epoch: number,
  seq: number,
  changes: Change[],
  options: { to?: Certificate[]; id?: string; contentType?: string; compression?: 'none' | 'deflate' } = {},
): Promise<Uint8Array> {
  return seal({
    from,
    to: options.to ?? [pki().hub.certificate],
    resource,
    stream: { epoch, seq },
    bytes: encodeChanges(changes),
    contentType: options.contentType ?? CHANGES_CONTENT_TYPE,
    ...(options.id ? { id: options.id } : {}),
    ...(options.compression ? { compression: options.compression } : {}),
  });
}

/** A person row keyed by 公民身份号码. */
export function person(id: string, name: string): Change {
  return {
    op: 'upsert',
    key: { 公民身份号码: id },
    row: { 公民身份号码: id, 姓名: name, 出生日期: '1990-01-01' },
  };
}

/** Registers and publishes the resources the data tests use (open, conditional, closed, composite key). */
export async function publishDataResources(ctx: SuiteContext): Promise<void> {
  const request = api(ctx);
  const { provider, reviewer } = pki();
  const resources = [
    entry(CODE.open, { share: 'unconditional' }),
    entry(CODE.conditional, { share: 'conditional' }),
    entry(CODE.closed, { share: 'none' }),
    entry(CODE.composite, { share: 'unconditional', composite: true }),
  ];
  for (const e of resources) {
    const path = `/v1/catalog/entries/${encodeURIComponent(e.code)}/versions/1`;
    for (const [as, method, p, body] of [
      [provider, 'POST', '/v1/catalog/entries', e],
      [reviewer, 'POST', `${path}/review`, { decision: 'approve' }],
      [reviewer, 'POST', `${path}/publish`, {}],
    ] as const) {
      const res = await request(as, method, p, body);
      if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${res.bytes.toString('utf8')}`);
    }
  }
}
