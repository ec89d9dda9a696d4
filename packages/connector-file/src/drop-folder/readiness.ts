// When is a dropped file complete? Either its marker (`<file>.done`) exists, or its size and mtime have
// not changed for `stableMs` across observations. Size is watched too because a copy that preserves
// timestamps (robocopy, cp -p, SMB) shows an old mtime while it is still being written.
import type { Stats } from 'node:fs';

interface Seen {
  size: number;
  mtimeMs: number;
  since: number;
}

export class Readiness {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly stableMs: number) {}

  /** Records an observation; true when the file has been unchanged for `stableMs`. */
  observe(name: string, stat: Pick<Stats, 'size' | 'mtimeMs'>, now: number): boolean {
    const s = this.seen.get(name);
    if (!s || s.size !== stat.size || s.mtimeMs !== stat.mtimeMs) {
      this.seen.set(name, { size: stat.size, mtimeMs: stat.mtimeMs, since: now });
      return this.stableMs <= 0;
    }
    return now - s.since >= this.stableMs;
  }

  forget(name: string): void {
    this.seen.delete(name);
  }

  /** Drops files no longer in the folder. */
  retain(names: ReadonlySet<string>): void {
    for (const n of this.seen.keys()) if (!names.has(n)) this.seen.delete(n);
  }
}
