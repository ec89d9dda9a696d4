import type { ChangeBatch, ChangeSink } from '../../../src/connector/index.js';

/** A sink that keeps batches and cursors in memory; can fail on a chosen write to simulate a crash. */
export class MemorySink implements ChangeSink {
  readonly batches: ChangeBatch[] = [];
  readonly cursors = new Map<string, string>();
  /** Throw instead of writing once this many batches are held. */
  failAt: number | undefined;

  async write(batch: ChangeBatch): Promise<void> {
    if (this.failAt !== undefined && this.batches.length >= this.failAt) throw new Error('simulated crash');
    this.batches.push(batch);
    this.cursors.set(batch.resource, batch.cursor);
  }

  async cursor(resource: string): Promise<string | undefined> {
    return this.cursors.get(resource);
  }

  /** Changes of a resource, in order. */
  changes(resource: string) {
    return this.batches.filter((b) => b.resource === resource).flatMap((b) => b.changes);
  }
}
