// `ferry connector run --resnapshot <resource>`: capture the resource again from scratch. The stored cursor
// is hidden from the runner until the new snapshot's first batch is in the outbox, so the runner takes a new
// watermark and snapshot (a new stream epoch: at its end the hub drops the rows the snapshot did not send).
// From that first batch on, the real cursor counts again: a restart, with or without the flag, resumes the
// new snapshot where it stopped instead of starting it over.
import type { ChangeSink } from '@ferry/sdk';

/** A sink that reports no cursor for `resources` until a batch of theirs has been written. */
export function resnapshotSink(sink: ChangeSink, resources: readonly string[]): ChangeSink {
  const pending = new Set(resources);
  return {
    async write(batch) {
      await sink.write(batch);
      pending.delete(batch.resource);
    },
    async cursor(resource) {
      return pending.has(resource) ? undefined : sink.cursor(resource);
    },
  };
}
