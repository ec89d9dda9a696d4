import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurable } from './durable-fs.js';

/** Where a consumer keeps its position per resource. */
export interface CheckpointStore {
  load(resource: string): Promise<string | undefined>;
  /** Durably stores the position; called only after the handler succeeded. */
  save(resource: string, cursor: string): Promise<void>;
}

/** A {@link CheckpointStore} of small files, written atomically and fsynced. */
export class FileCheckpointStore implements CheckpointStore {
  constructor(private readonly dir: string) {}

  private path(resource: string): string {
    return join(this.dir, `${createHash('sha256').update(resource).digest('hex').slice(0, 32)}.json`);
  }

  async load(resource: string): Promise<string | undefined> {
    const text = await readFile(this.path(resource), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as { cursor: string }).cursor;
  }

  async save(resource: string, cursor: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileDurable(
      this.path(resource),
      JSON.stringify({ resource, cursor, savedAt: new Date().toISOString() }),
    );
  }
}
