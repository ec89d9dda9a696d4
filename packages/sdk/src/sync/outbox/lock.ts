// One process owns an outbox directory at a time: two writers would hand out the same sequence numbers.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FerryError } from '../../errors/index.js';

const heldInThisProcess = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireLock(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'LOCK');
  if (heldInThisProcess.has(path)) {
    throw new FerryError('FERRY_OUTBOX_LOCKED', `The outbox ${dir} is already open in this process`);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.sync();
      await handle.close();
      heldInThisProcess.add(path);
      return async () => {
        heldInThisProcess.delete(path);
        await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
        throw new FerryError('FERRY_OUTBOX_LOCKED', `The outbox ${dir} is owned by running process ${pid}`, {
          details: { pid },
        });
      }
      // The owner died (kill -9, power loss): its lock is stale.
      await rm(path, { force: true });
    }
  }
  throw new FerryError('FERRY_OUTBOX_LOCKED', `Could not lock the outbox ${dir}`);
}
