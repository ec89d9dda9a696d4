// Runs `ferry` in-process with captured output, in a fresh temporary directory per test.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIo, runCli } from '../src/index.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `ferry <argv>` with the given environment (nothing of the real one leaks in). */
export async function ferry(argv: string[], env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** A temporary directory, removed by the returned function. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-cli-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
