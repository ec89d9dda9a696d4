// The worker side of OpenPool: opens envelope frames with the hub's own copy of its identity and decodes their
// change lines, off the event loop that serves HTTP and writes the database.
import { parentPort, workerData } from 'node:worker_threads';
import { isFerryError, loadIdentity, TrustStore } from '@ferry/sdk';
import { openAndDecode } from './decode-batch.js';
import type { OpenJob, OpenReady, OpenReply, OpenWorkerData } from './open-protocol.js';

const data = workerData as OpenWorkerData;
const trust = TrustStore.fromPem(data.trust);
const me = loadIdentity(data.identity);
const options = { ...data.verify, trust, me };

parentPort?.postMessage({ ready: true } satisfies OpenReady);
parentPort?.on('message', async (job: OpenJob) => {
  let reply: OpenReply;
  const transfer: ArrayBuffer[] = [];
  try {
    const batch = await openAndDecode(job.frame, options, job.keyItems);
    reply = { id: job.id, ok: true, batch };
    // Moved, not copied, when the bytes own their buffer (a small Buffer is a slice of a shared pool).
    for (const bytes of [batch.deflated, batch.upserts.rows.bytes, batch.upserts.rows.offsets]) {
      const { buffer, byteLength } = bytes;
      if (buffer instanceof ArrayBuffer && buffer.byteLength === byteLength && !transfer.includes(buffer))
        transfer.push(buffer);
    }
  } catch (err) {
    reply = {
      id: job.id,
      ok: false,
      error: isFerryError(err)
        ? { ...err.toJSON(), ferry: true }
        : { code: 'FERRY_INTERNAL', message: (err as Error)?.message ?? String(err), ferry: false },
    };
  }
  parentPort?.postMessage(reply, transfer);
});
