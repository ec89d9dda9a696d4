// The demo runner: for each cipher suite, run the steps in order and print one aligned line per step.
// A failed step stops its suite (later steps depend on it) but not the other suite.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isFerryError } from '@ferry/sdk';
import type { CliIo } from '../util/io.js';
import { displayWidth, formatDuration, padEnd } from '../util/text.js';
import type { DemoOptions, DemoStep, SuiteContext } from './context.js';
import { openRows, refuseReplay, refuseTampered, refuseWrongReceiver, sealRows } from './exchange.js';
import { pullChanges, refuseUnshared, registerCatalog, sendChanges, startHub } from './hub-loop.js';
import { CONSUMER, PROVIDER } from './sample-data.js';
import { setupPki } from './setup-pki.js';
import { streamLarge } from './stream.js';

/** The steps every suite runs, in order. */
export const DEMO_STEPS: readonly DemoStep[] = [
  setupPki,
  sealRows,
  openRows,
  refuseReplay,
  refuseTampered,
  refuseWrongReceiver,
  streamLarge,
  startHub,
  registerCatalog,
  sendChanges,
  pullChanges,
  refuseUnshared,
];

/** Outcome of a demo run. */
export interface DemoOutcome {
  passed: number;
  failed: number;
  skipped: number;
}

/** Runs the demo in `workDir` and prints its progress. */
export async function runDemo(workDir: string, options: DemoOptions, io: CliIo): Promise<DemoOutcome> {
  const out = (line = '') => io.stdout(`${line}\n`);
  const outcome: DemoOutcome = { passed: 0, failed: 0, skipped: 0 };
  const nameWidth = Math.max(...DEMO_STEPS.map((s) => displayWidth(s.name)));
  const started = performance.now();

  out(
    `Ferry demo: ${PROVIDER.name} shares rows with ${CONSUMER.name} through the exchange platform, in signed, encrypted envelopes`,
  );
  out(`  ${padEnd(PROVIDER.name, 8)}  ${PROVIDER.code}  provider (数据提供方)`);
  out(`  ${padEnd(CONSUMER.name, 8)}  ${CONSUMER.code}  consumer (数据使用方)`);
  out(`  work dir  ${workDir}`);

  for (const suite of options.suites) {
    out();
    out(`${suite.name} suite  ·  ${suite.primitives}`);
    const ctx: SuiteContext = { suite, options, dir: join(workDir, suite.name.toLowerCase()), cleanup: [] };
    await mkdir(ctx.dir, { recursive: true });
    let failed = false;
    for (const step of DEMO_STEPS) {
      if (failed) {
        outcome.skipped++;
        continue;
      }
      const t0 = performance.now();
      try {
        const result = await step.run(ctx);
        const ms = performance.now() - t0;
        out(`  ok    ${padEnd(step.name, nameWidth)}  ${padEnd(formatDuration(ms), 8)}  ${result.summary}`);
        for (const line of result.details ?? [])
          out(`        ${' '.repeat(nameWidth)}  ${' '.repeat(8)}  ${line}`);
        outcome.passed++;
      } catch (err) {
        failed = true;
        outcome.failed++;
        const reason = isFerryError(err)
          ? `${err.code}: ${err.message}`
          : err instanceof Error
            ? err.message
            : String(err);
        out(`  FAIL  ${padEnd(step.name, nameWidth)}  ${' '.repeat(8)}  ${reason}`);
        if (io.env.FERRY_DEBUG === '1' && err instanceof Error) io.stderr(`${err.stack}\n`);
      }
    }
    for (const release of ctx.cleanup.reverse()) await release().catch(() => {});
  }

  out();
  const total = outcome.passed + outcome.failed + outcome.skipped;
  const took = formatDuration(performance.now() - started);
  if (outcome.failed === 0) out(`All ${total} steps passed in ${took}.`);
  else out(`FAILED: ${outcome.failed} of ${total} steps failed, ${outcome.skipped} skipped (${took}).`);
  return outcome;
}
