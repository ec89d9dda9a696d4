// Reading inputs and writing outputs: missing inputs and would-be overwrites are usage errors, keys are 0600.
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { usageError } from './errors.js';

/** Reads a file a command was given; a missing or unreadable file is a usage error naming the option. */
export async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
    throw usageError(`${what} ${path} ${reason}`, { file: path });
  }
}

/** Refuses, before anything is written, when one of `paths` exists and `force` is not set. */
export async function assertCanWrite(paths: readonly string[], force: boolean): Promise<void> {
  if (force) return;
  for (const path of paths) {
    if (await exists(path))
      throw usageError(`${path} already exists; pass --force to overwrite it`, { file: path });
  }
}

/**
 * Writes a file through a temporary sibling and a rename, so that a crash never leaves half a key behind.
 * Secrets (private keys, PKCS#12) get mode 0600, everything else 0644.
 */
export async function writeOutput(
  path: string,
  data: string | Uint8Array,
  options: { secret?: boolean } = {},
): Promise<void> {
  const mode = options.secret ? 0o600 : 0o644;
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data, { mode, flag: 'wx' });
    // The umask may have narrowed the mode; a secret must never be wider than 0600 nor a certificate unreadable.
    await chmod(temp, mode);
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
