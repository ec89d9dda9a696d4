import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '../../src');

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...(await files(join(dir, e.name))));
    else if (e.name.endsWith('.ts')) out.push(join(dir, e.name));
  }
  return out;
}

describe('connector packaging', () => {
  it('imports knex only as types, so no subpath loads it', async () => {
    for (const file of await files(join(src, 'connector'))) {
      // Code only: TSDoc examples may show how a connector imports knex.
      const text = (await readFile(file, 'utf8'))
        .split('\n')
        .filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l))
        .join('\n');
      for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*from\s+'knex';/gm)) {
        expect(m[1], `${file}: ${m[0]}`).toBe('type ');
      }
      expect(text).not.toMatch(/import\('knex'\)|require\('knex'\)/);
    }
  });

  it('is not imported by the capabilities below it', async () => {
    for (const cap of ['errors', 'changes', 'envelope', 'pki', 'catalog']) {
      for (const file of await files(join(src, cap))) {
        expect(await readFile(file, 'utf8'), file).not.toMatch(/from '\.\.\/connector/);
      }
    }
  });
});
