// Runs the drop folder over ./drop. Changes go to ./out/changes.ndjson through a minimal file sink (the
// durable outbox of @ferry/sdk takes its place in production).
// Usage: node run.mjs            process what is there, then exit
//        node run.mjs --watch    keep watching until Ctrl-C
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createDropFolder } from '@ferry/connector-file';
import { encodeChanges } from '@ferry/sdk/changes';

mkdirSync('out', { recursive: true });
const log = 'out/changes.ndjson';

/** A ChangeSink: one line per batch, cursor included, so the last line is where to resume. */
const sink = {
  async write(batch) {
    const changes = Buffer.from(encodeChanges(batch.changes)).toString('utf8');
    appendFileSync(
      log,
      `${JSON.stringify({ resource: batch.resource, cursor: batch.cursor, snapshot: batch.snapshot, changes })}\n`,
    );
  },
  async cursor(resource) {
    if (!existsSync(log)) return undefined;
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    return lines.filter((b) => b.resource === resource).at(-1)?.cursor;
  },
};

const folder = createDropFolder({
  dir: 'drop',
  sink,
  resources: [{ files: '补贴名册_*.csv', config: JSON.parse(readFileSync('resource.json', 'utf8')) }],
  stableMs: 1000,
  onEvent(e) {
    if (e.type === 'error') console.error('error', e.file ?? '', e.error);
    else {
      const o = e.outcome;
      console.log(
        `${o.status} ${o.file} (${o.encoding ?? 'xlsx'}): ${o.rows} rows, ${o.upserts} upserts, ${o.deletes} deletes, ${o.unchanged} unchanged, ${o.badRows} bad → ${o.movedTo}`,
      );
      for (const b of o.firstBadRows.slice(0, 3))
        console.log(`  bad row: line ${b.line}, column ${b.column?.index} (${b.column?.name}): ${b.message}`);
    }
  },
});

if (process.argv.includes('--watch')) {
  await folder.start();
  console.log('watching drop/ (Ctrl-C to stop)');
  process.on('SIGINT', () => folder.close().then(() => process.exit(0)));
} else {
  // A file is complete once unchanged for stableMs: look twice.
  await folder.runOnce();
  await new Promise((r) => setTimeout(r, 1100));
  await folder.runOnce();
  await folder.close();
}
