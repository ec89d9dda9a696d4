// File connector throughput: parse + diff of a generated GBK CSV export, beside csv-parse alone on the
// same file decoded by iconv-lite, measured in the same run.
//
// Run: node --import tsx bench/file-diff.ts            (1 GiB export; generating it takes a few minutes)
//      node --import tsx bench/file-diff.ts --mb 100   (quick run)
//      options: --rounds N (default 3, 1 from 500 MB), --dir <folder> (keep and reuse the generated files)
//
// Each measurement runs in a fresh child process, timed by its CPU time (user + system) and by the wall
// clock; peak RSS is the child's high-water mark (getrusage maxrss), Node and tsx included.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transform } from 'node:stream';
import { processFile } from '../packages/connector-file/src/index.js';
import { registerConfig, writeRegisterMb } from '../packages/connector-file/test/helpers/generate.js';

// The peers are loaded from the connector's own dependencies, so both sides use the same versions.
const requireFromConnector = createRequire(
  new URL('../packages/connector-file/package.json', import.meta.url),
);
const { parse } = requireFromConnector('csv-parse') as { parse: (options?: object) => Transform };
const iconv = requireFromConnector('iconv-lite') as { decodeStream: (encoding: string) => Transform };

interface Measure {
  cpuMs: number;
  wallMs: number;
  maxRssMb: number;
  rows: number;
  changes: number;
}

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

async function child(kind: string, file: string, stateDir: string): Promise<Measure> {
  const t0 = performance.now();
  const u0 = process.cpuUsage();
  let rows = 0;
  let changes = 0;
  if (kind === 'baseline') {
    // What an integrator would write with the reference libraries: stream → iconv-lite → csv-parse.
    const parser = createReadStream(file, { highWaterMark: 1 << 20 })
      .pipe(iconv.decodeStream('gbk'))
      .pipe(parse());
    parser.on('data', () => {
      rows++;
    });
    await new Promise((resolve, reject) => {
      parser.on('end', resolve);
      parser.on('error', reject);
    });
    rows--; // header
  } else {
    const outcome = await processFile({
      file,
      stateDir,
      processedDir: join(stateDir, '..', `processed-${process.pid}`),
      config: registerConfig,
      sink: {
        async write(batch) {
          changes += batch.changes.length;
        },
        async cursor() {
          return undefined;
        },
      },
    });
    if (outcome.status !== 'processed') throw new Error(`not processed: ${JSON.stringify(outcome.reason)}`);
    rows = outcome.rows;
    renameSync(outcome.movedTo, file);
  }
  const u = process.cpuUsage(u0);
  return {
    cpuMs: (u.user + u.system) / 1000,
    wallMs: performance.now() - t0,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    rows,
    changes,
  };
}

function spawnChild(kind: string, file: string, stateDir: string): Measure {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, '--child', kind, file, stateDir],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as Measure;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const mb = Number(arg('mb') ?? 1024);
  const rounds = Number(arg('rounds') ?? (mb >= 500 ? 1 : 3));
  const dir = arg('dir') ?? mkdtempSync(join(tmpdir(), 'ferry-bench-file-'));
  mkdirSync(dir, { recursive: true });
  const v1 = join(dir, `export-${mb}mb-v1.csv`);
  const v2 = join(dir, `export-${mb}mb-v2.csv`);
  for (const [path, version] of [
    [v1, 1],
    [v2, 2],
  ] as const) {
    if (!existsSync(path)) {
      const t = performance.now();
      const { rows, bytes } = writeRegisterMb(path, mb, version);
      console.log(
        `generated ${path}: ${rows} rows, ${(bytes / 1048576).toFixed(0)} MiB GBK in ${((performance.now() - t) / 1000).toFixed(0)} s`,
      );
    }
  }
  const size = statSync(v1).size / 1048576;
  const size2 = statSync(v2).size / 1048576;
  console.log(`node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}, ${rounds} round(s)\n`);
  const results: Record<string, Measure[]> = { baseline: [], snapshot: [], diff: [] };
  for (let r = 0; r < rounds; r++) {
    const state = join(dir, `state-${r}`);
    rmSync(state, { recursive: true, force: true });
    results.baseline!.push(spawnChild('baseline', v1, state));
    results.snapshot!.push(spawnChild('ours', v1, state));
    results.diff!.push(spawnChild('ours', v2, state));
    rmSync(state, { recursive: true, force: true });
  }
  const rate = (m: Measure[], mib: number, key: 'cpuMs' | 'wallMs') =>
    mib / (median(m.map((x) => x[key])) / 1000);
  const base = rate(results.baseline!, size, 'cpuMs');
  const rows: string[][] = [
    ['contender', 'MB/s (CPU)', 'MB/s (wall)', 'peak RSS', 'vs csv-parse', 'rows', 'changes'],
  ];
  for (const [name, label, mib] of [
    ['baseline', 'iconv-lite + csv-parse alone (v1)', size],
    ['snapshot', 'ferry parse + diff, first export (v1)', size],
    ['diff', 'ferry parse + diff, next export (v2)', size2],
  ] as const) {
    const m = results[name]!;
    const cpu = rate(m, mib, 'cpuMs');
    rows.push([
      label,
      cpu.toFixed(1),
      rate(m, mib, 'wallMs').toFixed(1),
      `${Math.max(...m.map((x) => x.maxRssMb)).toFixed(0)} MB`,
      name === 'baseline' ? '100%' : `${((100 * cpu) / base).toFixed(0)}%`,
      String(m[0]!.rows),
      name === 'baseline' ? '' : String(m[0]!.changes),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    console.log(
      r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    );
  const worst = Math.min(rate(results.snapshot!, size, 'cpuMs'), rate(results.diff!, size2, 'cpuMs')) / base;
  const peak = Math.max(...[...results.snapshot!, ...results.diff!].map((x) => x.maxRssMb));
  console.log(
    `\nthroughput: ${(worst * 100).toFixed(0)}% of csv-parse alone (target ≥ 70%): ${worst >= 0.7 ? 'PASS' : 'FAIL'}`,
  );
  console.log(`peak RSS: ${peak.toFixed(0)} MB (target < 300 MB): ${peak < 300 ? 'PASS' : 'FAIL'}`);
  if (!arg('dir')) rmSync(dir, { recursive: true, force: true });
}

if (args[0] === '--child') {
  const [, kind, file, state] = args;
  console.log(JSON.stringify(await child(kind!, file!, state!)));
} else {
  await main();
}
