// Bad rows go to an NDJSON report on disk as they are found (memory stays flat however many there are);
// the first few are also kept for the quarantine reason and the outcome.
import { BufferedWriter } from '../fs/buffered-writer.js';
import type { BadRow } from '../rows/bad-row.js';

/** Thrown to stop reading once a `reject-file` export has shown enough bad rows. */
export class StopReading extends Error {}

export class BadRowLog {
  count = 0;
  readonly sample: BadRow[] = [];
  private w: BufferedWriter | undefined;

  constructor(
    readonly path: string,
    private readonly stopAfter: number | undefined,
    private readonly sampleSize = 20,
  ) {}

  add(row: BadRow): void {
    this.count++;
    if (this.sample.length < this.sampleSize) this.sample.push(row);
    this.w ??= new BufferedWriter(this.path, 64 * 1024);
    this.w.writeString(`${JSON.stringify(row)}\n`);
    if (this.stopAfter !== undefined && this.count >= this.stopAfter) throw new StopReading();
  }

  /** Closes the report (fsync); true when it has content. */
  close(): boolean {
    this.w?.close(true);
    this.w = undefined;
    return this.count > 0;
  }
}
