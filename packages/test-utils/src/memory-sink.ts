import type { Change, FerryRecord } from '@ferry/sdk/changes';
import type { ChangeBatch, ChangeSink } from '@ferry/sdk/connector';

/** A sink that keeps batches and cursors in memory; can fail on a chosen write to simulate a crash. */
export class MemorySink implements ChangeSink {
  readonly batches: ChangeBatch[] = [];
  readonly cursors = new Map<string, string>();
  /** Throw instead of writing once this many batches are held (then set back to undefined to "restart"). */
  failAt: number | undefined;

  async write(batch: ChangeBatch): Promise<void> {
    if (this.failAt !== undefined && this.batches.length >= this.failAt) throw new Error('simulated crash');
    this.batches.push(batch);
    this.cursors.set(batch.resource, batch.cursor);
  }

  async cursor(resource: string): Promise<string | undefined> {
    return this.cursors.get(resource);
  }

  /** Changes of a resource in order, from batch `from` on. */
  changes(resource: string, from = 0): Change[] {
    return this.batches
      .slice(from)
      .filter((b) => b.resource === resource)
      .flatMap((b) => b.changes);
  }

  /** Applies the changes of a resource to a map keyed by `keyOf`: what a consumer would hold. */
  state(resource: string, keyOf: (key: FerryRecord) => string): Map<string, FerryRecord> {
    const out = new Map<string, FerryRecord>();
    for (const b of this.batches) {
      if (b.resource !== resource) continue;
      if (b.snapshot === 'begin') out.clear();
      for (const c of b.changes) {
        if (c.op === 'upsert') out.set(keyOf(c.key), c.row);
        else out.delete(keyOf(c.key));
      }
    }
    return out;
  }
}
