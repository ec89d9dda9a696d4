// The hub's decoding of an opened envelope (decodeBatch: every change line parsed and checked, each key's last
// change kept, the content deflated for the change log), in CPU µs per row, beside the floor any check that
// parses must pay: JSON.parse of every line of the same content. Measured in worker threads as the hub runs it
// (OpenPool), with the young generation the hub gives its workers and with V8's default, in the same run.
//
// Run: node --import tsx bench/hub-decode.ts   [--rows N] (rows per batch, default 5000) [--rounds N]
import { Worker } from 'node:worker_threads';
import { encodeChanges } from '@ferry/sdk/changes';
import { page } from './support/population.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const rows = Number(args.get('rows') ?? 5000);
const rounds = Number(args.get('rounds') ?? 40);
/** OpenPool's setting (packages/hub/src/ingest/open-pool.ts). */
const HUB_YOUNG_GENERATION_MB = 192;

const content = encodeChanges(page(1, rows));

/** Runs in a worker: mean CPU µs per row over `rounds` rounds for each contender. */
const worker = `
  const { parentPort, workerData } = require('node:worker_threads');
  import('tsx/esm/api').then(({ register }) => { register(); return import(workerData.decodeBatch); }).then(({ decodeBatch }) => {
    const { content, rows, rounds } = workerData;
    const keyItems = [{ name: 'id', column: 'k_0', dataType: 'integer' }];
    const lines = Buffer.from(content).toString('utf8').split('\\n').filter(Boolean);
    const cpu = (fn) => { const c = process.cpuUsage(); fn(); const u = process.cpuUsage(c); return (u.user + u.system) / rows; };
    // Warm up, then the mean over every round: garbage collection belongs to the cost.
    for (let r = 0; r < 3; r++) { decodeBatch(content, keyItems); for (const l of lines) JSON.parse(l); }
    const sum = { decode: 0, parse: 0 };
    for (let r = 0; r < rounds; r++) {
      sum.decode += cpu(() => decodeBatch(content, keyItems));
      sum.parse += cpu(() => { for (const l of lines) JSON.parse(l); });
    }
    parentPort.postMessage({ decode: sum.decode / rounds, parse: sum.parse / rounds });
  });`;

function measure(youngMb: number | undefined): Promise<{ decode: number; parse: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(worker, {
      eval: true,
      workerData: {
        content,
        rows,
        rounds,
        decodeBatch: new URL('../packages/hub/src/ingest/decode-batch.ts', import.meta.url).href,
      },
      ...(youngMb ? { resourceLimits: { maxYoungGenerationSizeMb: youngMb } } : {}),
    });
    w.once('message', (m) => {
      void w.terminate();
      resolve(m);
    });
    w.once('error', reject);
  });
}

console.log(
  `hub decode: batches of ${rows.toLocaleString('en-US')} rows (${(content.byteLength / rows).toFixed(0)} bytes of NDJSON a row), mean of ${rounds} rounds (best of 2 runs), CPU µs per row`,
);
const settings: [label: string, youngMb: number | undefined][] = [
  ['hub workers (192 MiB young generation)', HUB_YOUNG_GENERATION_MB],
  ['V8 default young generation', undefined],
];
// Two runs each, the order reversed for the second, so neither setting always runs second.
const results: { label: string; r: { decode: number; parse: number } }[] = [];
for (const order of [settings, [...settings].reverse()]) {
  for (const [label, mb] of order) results.push({ label, r: await measure(mb) });
}
for (const label of new Set(results.map((x) => x.label))) {
  const mine = results.filter((x) => x.label === label).map((x) => x.r);
  const decode = Math.min(...mine.map((r) => r.decode));
  const parse = Math.min(...mine.map((r) => r.parse));
  console.log(
    `${label.padEnd(40)} decodeBatch ${decode.toFixed(2)} µs   JSON.parse of each line ${parse.toFixed(2)} µs   decodeBatch / JSON.parse ${(decode / parse).toFixed(2)}×`,
  );
}
