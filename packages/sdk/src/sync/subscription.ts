// Pulls a shared resource's changes from the hub after the consumer's own checkpoint. The checkpoint moves
// only after the handler succeeded, so a crash replays the last batch instead of losing it.
import { type Change, decodeChanges } from '../changes/index.js';
import { open } from '../envelope/open.js';
import { FerryError, isFerryError } from '../errors/index.js';
import type { HubTransport } from '../http/hub-transport.js';
import type { Identity } from '../pki/identity.js';
import type { TrustStore } from '../pki/trust.js';
import type { CheckpointStore } from './checkpoint-store.js';
import { parseChangesContentType } from './content-type.js';

/** What a handler learns besides the changes. */
export interface ChangeContext {
  resource: string;
  /** The hub's cursor after this batch (saved once the handler returns). */
  cursor: string;
  /** The envelope id the hub delivered the batch in (for audit). */
  envelopeId: string;
}

/** Handles one batch; throw to have it delivered again later. */
export type ChangeHandler = (changes: Change[], context: ChangeContext) => void | Promise<void>;

/** Options of a subscription. */
export interface SubscribeOptions {
  /** Where the position is kept. */
  checkpoint: CheckpointStore;
  /** Changes per pull. Default 1,000. */
  limit?: number;
  /** Wait between pulls when caught up, in ms. Default 2,000. */
  intervalMs?: number;
  /** Stops the subscription. */
  signal?: AbortSignal;
  /** Called on an error the subscription will retry after `intervalMs` (handler errors, transient HTTP). */
  onError?: (err: unknown) => void;
}

/** Who pulls and whom it believes. */
export interface SubscriptionSource {
  transport: HubTransport;
  identity: Identity;
  trust: TrustStore;
  /** The hub's department code: pulled envelopes must be sealed by it. */
  hub: string;
}

/**
 * Pulls once: at most `limit` changes after the stored checkpoint, handed to `handler`, then the checkpoint
 * advances. Returns whether the hub has more.
 */
export async function pullOnce(
  source: SubscriptionSource,
  resource: string,
  handler: ChangeHandler,
  options: Pick<SubscribeOptions, 'checkpoint' | 'limit'>,
): Promise<{ changes: number; hasMore: boolean }> {
  const after = await options.checkpoint.load(resource);
  const query = new URLSearchParams({ limit: String(options.limit ?? 1000) });
  if (after !== undefined) query.set('after', after);
  const res = await source.transport.request(
    'GET',
    `/v1/resources/${encodeURIComponent(resource)}/changes?${query.toString()}`,
    undefined,
    { accept: 'bytes' },
  );
  const next = res.headers['x-ferry-next-cursor'];
  const hasMore = res.headers['x-ferry-has-more'] === 'true';
  if (res.status === 204) return { changes: 0, hasMore: false };
  if (next === undefined) {
    throw new FerryError('FERRY_HTTP_REJECTED', 'The hub answered a pull without x-ferry-next-cursor');
  }
  const opened = await open(res.body as Uint8Array, {
    me: source.identity,
    trust: source.trust,
    expectedSender: source.hub,
  });
  if (!parseChangesContentType(opened.header.content.type) || opened.header.resource !== resource) {
    throw new FerryError(
      'FERRY_ENVELOPE_MALFORMED',
      'The hub answered a pull with an envelope of another kind',
    );
  }
  const changes = decodeChanges(opened.content);
  await handler(changes, { resource, cursor: next, envelopeId: opened.header.id });
  await options.checkpoint.save(resource, next);
  return { changes: changes.length, hasMore };
}

/**
 * Subscribes to a resource: pulls batches after the checkpoint until `signal` aborts. Resolves when
 * stopped. Permanent errors (share denied, not found, trust failures) end it with that error.
 *
 * @example
 * ```ts
 * const ac = new AbortController();
 * await subscribe(source, '101001/000001', async (changes) => applyToLocalDb(changes), {
 *   checkpoint: new FileCheckpointStore('./state/checkpoints'),
 *   signal: ac.signal,
 * });
 * ```
 */
export async function subscribe(
  source: SubscriptionSource,
  resource: string,
  handler: ChangeHandler,
  options: SubscribeOptions,
): Promise<void> {
  const interval = options.intervalMs ?? 2000;
  while (!options.signal?.aborted) {
    let hasMore = false;
    try {
      ({ hasMore } = await pullOnce(source, resource, handler, options));
    } catch (err) {
      if (
        isFerryError(err, 'FERRY_HTTP_REJECTED') ||
        (isFerryError(err) && err.code.startsWith('FERRY_CERT'))
      )
        throw err;
      options.onError?.(err);
    }
    if (!hasMore) await sleep(interval, options.signal);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
