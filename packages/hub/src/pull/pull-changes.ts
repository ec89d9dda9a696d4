// A consumer's pull: share check, changes after its cursor, sealed by the hub to the consumer's registered
// encryption certificate, so the data is readable by that department alone and provably from the hub.
import { randomBytes } from 'node:crypto';
import { CHANGES_CONTENT_TYPE, seal } from '@ferry/sdk';
import type { HubContext } from '../context.js';
import { fail } from '../http/errors.js';
import { readChanges } from './read-changes.js';
import { checkShare } from './share-policy.js';

const NEWLINE = Buffer.from('\n');

/** The answer to a pull. */
export interface PullResult {
  /** The sealed envelope, or undefined when there is nothing after the cursor. */
  envelope: Uint8Array | undefined;
  /** Cursor to pull after next time. */
  nextCursor: string;
  hasMore: boolean;
  changes: number;
}

/** Reads and seals changes of `code` after `after` for `consumer`, and records the pull in the audit log. */
export async function pullChanges(
  ctx: HubContext,
  consumer: string,
  code: string,
  after: string,
  limit: number,
): Promise<PullResult> {
  const { stores, identity } = ctx;
  const resource = await stores.resources.get(code);
  if (!resource || resource.publishedVersion === undefined)
    throw fail('FERRY_NOT_FOUND', `Resource ${code} is not published in the catalog`);
  await checkShare(ctx, consumer, resource);

  const page = await readChanges(stores.changeLog, resource.id, Number(after), limit);
  let envelope: Uint8Array | undefined;
  let envelopeId: string | undefined;
  if (page.lines.length > 0) {
    const gm = identity.privateKey.algorithm === 'sm2';
    const to = await stores.departments.encryptionCertificate(
      consumer,
      gm ? ['sm2'] : ['rsa', 'ec-p256'],
      new Date(),
    );
    if (!to) {
      throw fail(
        'FERRY_CONFLICT',
        `Department ${consumer} has no registered ${gm ? 'SM2' : 'RSA or EC P-256'} encryption certificate the hub can seal to`,
      );
    }
    envelopeId = randomBytes(16).toString('hex');
    envelope = await seal({
      id: envelopeId,
      from: identity,
      to,
      resource: code,
      // Hub-to-consumer envelopes are not a stream the consumer applies in order; seq carries the cursor the
      // content starts after, so a consumer can check it got what it asked for.
      stream: { epoch: 0, seq: Number(after) },
      bytes: Buffer.concat(page.lines.flatMap((line) => [line, NEWLINE])),
      contentType: CHANGES_CONTENT_TYPE,
    });
  }
  await stores.audit.write({
    actor: consumer,
    action: 'pull',
    outcome: 'ok',
    resource: code,
    cursorFrom: after,
    cursorTo: String(page.next),
    rows: page.lines.length,
    ...(envelopeId ? { envelopeId } : {}),
  });
  return { envelope, nextCursor: String(page.next), hasMore: page.hasMore, changes: page.lines.length };
}
