// Crash-safe file writes: the data reaches the disk before the name does, so a reader after a crash or
// power loss sees the old file or the new one, never a torn one.
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
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

/**
 * Writes `data` to `path` atomically and durably (temp file, fsync, rename, fsync of the directory). Parts
 * given as an array go out in one `writev`, without being joined in memory first. `syncDir: false` leaves
 * the directory to the caller (the outbox syncs a directory handle it keeps open).
 */
export async function writeFileDurable(
  path: string,
  data: Uint8Array | string | readonly Uint8Array[],
  options: { syncDir?: boolean } = {},
) {
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    if (Array.isArray(data)) await writeAll(handle, data);
    else await handle.writeFile(data as Uint8Array | string);
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

/** Writes every part from offset 0 on, continuing after a short write (rare, for regular files). */
async function writeAll(handle: FileHandle, parts: readonly Uint8Array[]): Promise<void> {
  const rest = [...parts];
  let at = 0;
  while (rest.length > 0) {
    let n = (await handle.writev(rest, at)).bytesWritten;
    at += n;
    while (rest.length > 0 && n >= rest[0]!.length) n -= rest.shift()!.length;
    if (n > 0) rest[0] = rest[0]!.subarray(n);
  }
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
