// A department system sending a large generated table, resumable from its outbox cursor: the fault test
// kills it with SIGKILL at random moments and starts it again until it finishes.
import { readFileSync } from 'node:fs';
import { Decimal, FerryClient, loadIdentity, TrustStore } from '@ferry/sdk';

const [hubUrl, storageDir, resource, totalText, pkiFile] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const total = Number(totalText);
const pki = JSON.parse(readFileSync(pkiFile, 'utf8')) as { cert: string; key: string; ca: string };

const client = await FerryClient.connect({
  hubUrl,
  identity: loadIdentity({ certificate: pki.cert, privateKey: pki.key }),
  trust: TrustStore.fromPem(pki.ca),
  storageDir,
  batch: { maxRows: 97, maxAgeMs: 5 },
  delivery: { pauseMs: 50, pollMs: 10, minTimeoutMs: 10, maxTimeoutMs: 50, retriesPerRound: 3 },
  retries: 3,
});
// The source: row i of a deterministic table. The cursor is the last row index stored in the outbox.
const start = Number(client.cursor(resource) ?? '-1') + 1;
for (let i = start; i < total; i++) {
  const id = BigInt(i);
  await client.send(
    resource,
    [{ op: 'upsert', key: { id }, row: { id, name: `行-${i}`, amount: new Decimal(`${i}.${i % 10_000}`) } }],
    { cursor: String(i) },
  );
}
await client.drain(120_000);
await client.close();
process.stdout.write('done\n');
