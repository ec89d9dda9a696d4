import { encodeChanges } from '../changes/index.js';
import type { ChangeBatch, ChangeSink } from '../connector/sink.js';
import type { BatchSealer } from './batch-sealer.js';
import type { Outbox } from './outbox/outbox.js';

/**
 * The production {@link ChangeSink}: each connector batch is sealed and stored in the outbox together with
 * its cursor, in one atomic write. A snapshot's `begin` batch opens a new stream epoch.
 */
export class OutboxSink implements ChangeSink {
  constructor(
    private readonly outbox: Outbox,
    private readonly sealBatch: BatchSealer,
  ) {}

  async write(batch: ChangeBatch): Promise<void> {
    const content = encodeChanges(batch.changes);
    await this.outbox.append({
      resource: batch.resource,
      ...(batch.cursor ? { cursor: batch.cursor } : {}),
      newEpoch: batch.snapshot === 'begin',
      ...(batch.snapshot ? { snapshot: batch.snapshot } : {}),
      seal: (position) =>
        this.sealBatch(batch.resource, content, batch.changes.length, position, batch.snapshot ?? null),
    });
  }

  async cursor(resource: string): Promise<string | undefined> {
    return this.outbox.cursor(resource);
  }
}
