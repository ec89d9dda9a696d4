// Reads changes after a cursor from the batched change log. The cursor is the log position of the last change
// a consumer has; positions of one resource are gapless and assigned in commit order.
import type { ChangeLogStore } from '../store/index.js';

/** Changes read after a cursor. */
export interface ChangesPage {
  /** Change lines as applied (NDJSON lines without their line break), as UTF-8 bytes. */
  lines: Buffer[];
  /** The cursor after the last change returned (the `after` given when none). */
  next: number;
  /** True when changes after `next` exist already. */
  hasMore: boolean;
}

const BATCHES_PER_QUERY = 32;

/** Up to `limit` changes of a resource after log position `after`. */
export async function readChanges(
  log: ChangeLogStore,
  resourceId: number,
  after: number,
  limit: number,
): Promise<ChangesPage> {
  const lines: Buffer[] = [];
  let cursor = after;
  for (;;) {
    const batches = await log.after(resourceId, cursor, BATCHES_PER_QUERY);
    for (const batch of batches) {
      const all = splitLines(batch.content);
      const skip = Math.max(0, cursor - batch.firstPosition + 1);
      const take = all.slice(skip, skip + (limit - lines.length));
      for (const line of take) lines.push(line);
      cursor = batch.firstPosition + skip + take.length - 1;
      if (lines.length >= limit) break;
    }
    if (lines.length >= limit || batches.length < BATCHES_PER_QUERY) break;
  }
  const hasMore = lines.length >= limit && (await log.after(resourceId, cursor, 1)).length > 0;
  return { lines, next: cursor, hasMore };
}

function splitLines(content: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  while (start < content.length) {
    let end = content.indexOf(0x0a, start);
    if (end < 0) end = content.length;
    if (end > start) out.push(content.subarray(start, end));
    start = end + 1;
  }
  return out;
}
