// Crash-safe file writes: the data reaches the disk before the name does, so a reader after a crash or
// power loss sees the old file or the new one, never a torn one.
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

const isWindows = process.platform === 'win32';

/** fsync a directory so a rename or unlink in it survives power loss. Windows cannot, and needs not. */
export async function syncDirectory(dir: string): Promise<void> {
  if (isWindows) return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `data` to `path` atomically and durably (temp file, fsync, rename, fsync of the directory). */
export async function writeFileDurable(
  path: string,
  data: Uint8Array | string,
  options: { syncDir?: boolean } = {},
) {
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await rename(tmp, path);
  if (options.syncDir !== false) await syncDirectory(dirname(path));
}

/** Appends a line and fsyncs: for logs that must survive a crash (receipts). */
export async function appendLineDurable(path: string, line: string): Promise<void> {
  const handle = await open(path, 'a', 0o600);
  try {
    await handle.write(`${line}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
