import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './helpers/files.js';
import { writeRegisterMb } from './helpers/generate.js';

const t = tempDir();
afterAll(() => t.cleanup());

describe('memory', () => {
  it('stays flat on a ~50 MB export (RSS growth bounded by the bucket size, not the file)', () => {
    const drop = join(t.dir, 'drop');
    mkdirSync(drop);
    const file = join(drop, 'big.csv');
    const { rows, bytes } = writeRegisterMb(file, 50);
    const out = execFileSync(
      process.execPath,
      [
        '--expose-gc',
        // A heap far smaller than the file's rows as JS strings (~120 MB): holding the file would crash here,
        // and the tight limit makes V8 collect early, so RSS reflects what is live rather than GC timing.
        '--max-old-space-size=64',
        '--import',
        'tsx',
        join(__dirname, 'fixtures', 'memory-child.ts'),
        file,
        join(t.dir, 'state'),
      ],
      {
        cwd: join(__dirname, '..', '..', '..'),
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    const r = JSON.parse(out.trim().split('\n').pop()!) as {
      before: number;
      peak: number;
      changes: number;
      status: string;
      rows: number;
      ms: number;
    };
    const mb = (n: number) => Math.round(n / 1048576);
    console.log(
      `memory: ${mb(bytes)} MB, ${rows} rows in ${Math.round(r.ms)} ms; RSS ${mb(r.before)} MB → peak ${mb(r.peak)} MB`,
    );
    expect(r.status).toBe('processed');
    expect(r.rows).toBe(rows);
    expect(r.changes).toBe(rows);
    // The file is 50 MB and its rows take ~120 MB as JS strings; growth must stay well below either.
    expect(r.peak - r.before).toBeLessThan(110 * 1048576);
  }, 60_000);
});
