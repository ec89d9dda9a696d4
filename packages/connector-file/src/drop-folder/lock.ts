// One daemon per drop folder: a lock file with the owner's pid and a random token. A lock left by a
// killed process (its pid no longer runs) is taken over, so kill -9 never blocks a restart.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { FerryError } from '@ferry/sdk/errors';

export class FolderLock {
  private readonly token = randomUUID();
  private held = false;

  constructor(private readonly path: string) {}

  acquire(): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        writeFileSync(this.path, JSON.stringify({ pid: process.pid, token: this.token }), { flag: 'wx' });
        this.held = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      let owner: { pid?: number; token?: string } = {};
      try {
        owner = JSON.parse(readFileSync(this.path, 'utf8')) as typeof owner;
      } catch {
        // A torn lock file is as good as none.
      }
      if (owner.pid !== undefined && alive(owner.pid)) {
        throw new FerryError(
          'FERRY_CONFLICT',
          `${this.path} is held by process ${owner.pid}: another daemon watches this folder`,
          {
            details: { pid: owner.pid },
          },
        );
      }
      rmSync(this.path, { force: true });
    }
    throw new FerryError('FERRY_CONFLICT', `${this.path} could not be taken`);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      const owner = JSON.parse(readFileSync(this.path, 'utf8')) as { token?: string };
      if (owner.token === this.token) rmSync(this.path, { force: true });
    } catch {
      // Already gone.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
