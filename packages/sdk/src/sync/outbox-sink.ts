import { encodedChanges } from '../changes/encoded.js';
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
    // Changes the source already encoded (the SQL framework does, see withEncodedChanges) are sealed as they
    // are, without ever becoming objects.
    const encoded = encodedChanges(batch);
    const content = encoded ? encoded.bytes : encodeChanges(batch.changes);
    const rows = encoded ? encoded.count : batch.changes.length;
    const { resource, snapshot } = batch;
    await this.outbox.append({
      resource,
      ...(batch.cursor ? { cursor: batch.cursor } : {}),
      newEpoch: snapshot === 'begin',
      ...(snapshot ? { snapshot } : {}),
      seal: (position) => this.sealBatch(resource, content, rows, position, snapshot ?? null),
    });
  }

  async cursor(resource: string): Promise<string | undefined> {
    return this.outbox.cursor(resource);
  }
}
