import type { Change } from '../changes/index.js';

/**
 * A batch of changes captured from a source, with the cursor the source reaches after it.
 * A sink commits the changes and the cursor together: after a crash, the source resumes from the last
 * cursor the sink holds, so nothing is lost and nothing is captured twice into the outbox.
 */
export interface ChangeBatch {
  /** Catalog resource code the changes belong to. */
  resource: string;
  /**
   * The changes. Batches of the SQL framework carry them encoded (see `encodedChanges` of
   * `@ferry/sdk/changes`) and decode them on the first read of this property: a sink that stores or sends the
   * wire form takes the bytes and never makes the objects.
   */
  changes: readonly Change[];
  /** Opaque, encoded checkpoint of the source after this batch. */
  cursor: string;
  /**
   * Full-snapshot framing: `begin` starts a new stream epoch with this batch, `continue` adds to the
   * snapshot in progress, `end` completes it (the hub then drops the sender's rows of older epochs).
   * Absent for incremental batches.
   */
  snapshot?: 'begin' | 'continue' | 'end';
}

/** Where a connector hands its batches: the durable outbox in production, an array in tests. */
export interface ChangeSink {
  /** Durably accepts a batch and its cursor, atomically. Resolves once both are on stable storage. */
  write(batch: ChangeBatch): Promise<void>;
  /** The last cursor durably written for a resource, to resume from; undefined before the first batch. */
  cursor(resource: string): Promise<string | undefined>;
}
