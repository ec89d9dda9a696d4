import type { Change } from '@ferry/sdk/changes';
import type { ChangeBatch, ChangeSink } from '@ferry/sdk/connector';

/** A sink that keeps batches in memory (tests only). */
export class MemorySink implements ChangeSink {
  readonly batches: ChangeBatch[] = [];
  private readonly cursors = new Map<string, string>();

  async write(batch: ChangeBatch): Promise<void> {
    this.batches.push(batch);
    this.cursors.set(batch.resource, batch.cursor);
  }

  async cursor(resource: string): Promise<string | undefined> {
    return this.cursors.get(resource);
  }

  get changes(): Change[] {
    return this.batches.flatMap((b) => [...b.changes]);
  }

  clear(): void {
    this.batches.length = 0;
  }
}
