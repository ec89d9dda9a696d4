// Steps: the provider seals rows to the consumer, the consumer opens them; then the checks that must refuse
// a frame: a replay, a flipped byte, a receiver the frame is not addressed to.

import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  type FerryErrorCode,
  isFerryError,
  MemoryReplayGuard,
  open,
  type ReplayGuard,
  seal,
} from '@ferry/sdk';
import { writeOutput } from '../util/files.js';
import { formatBytes, formatTable } from '../util/text.js';
import { type DemoStep, need, type SuiteContext } from './context.js';
import { CONSUMER, PROVIDER, RESOURCE, SAMPLE_ROWS } from './sample-data.js';

export const sealRows: DemoStep = {
  name: 'seal',
  async run(ctx) {
    const frame = await seal({
      from: need(ctx.provider, 'provider identity'),
      to: need(ctx.consumer, 'consumer identity').certificate,
      resource: RESOURCE.code,
      stream: { epoch: 1, seq: 0 },
      rows: SAMPLE_ROWS,
      suite: ctx.suite.name,
    });
    ctx.frame = frame;
    ctx.framePath = join(ctx.dir, 'frames', `${RESOURCE.code.replaceAll('/', '-')}.e1.s0.ferry`);
    await writeOutput(ctx.framePath, frame);
    return {
      summary: `${SAMPLE_ROWS.length} rows of ${RESOURCE.name} (${RESOURCE.code}) → ${CONSUMER.name}: ${formatBytes(frame.length)} frame`,
    };
  },
};

export const openRows: DemoStep = {
  name: 'open',
  async run(ctx) {
    ctx.replay = new MemoryReplayGuard();
    const opened = await open(need(ctx.frame, 'sealed frame'), {
      me: need(ctx.consumer, 'consumer identity'),
      trust: need(ctx.trust, 'trust store'),
      replay: ctx.replay,
      expectedSender: PROVIDER.code,
    });
    if (!isDeepStrictEqual(opened.rows, SAMPLE_ROWS))
      throw new Error('the opened rows differ from the sealed ones');
    const columns = ['姓名', '性别', '民族', '出生日期', '户籍地址'];
    // The rows are the same for every suite: show them once.
    const first = ctx.options.suites[0] === ctx.suite;
    return {
      summary: `${CONSUMER.name} verified ${opened.sender.certificate.subject.commonName} [${opened.sender.departmentCode}] and read ${opened.rows?.length} identical rows`,
      ...(first
        ? {
            details: formatTable([columns, ...SAMPLE_ROWS.map((row) => columns.map((c) => row[c] ?? ''))], {
              indent: 0,
            }),
          }
        : {}),
    };
  },
};

export const refuseReplay: DemoStep = {
  name: 'replay',
  async run(ctx) {
    const code = await expectRefusal(
      ctx,
      need(ctx.frame, 'sealed frame'),
      'FERRY_REPLAY',
      need(ctx.replay, 'replay guard'),
    );
    return { summary: `the same frame a second time is refused: ${code}` };
  },
};

export const refuseTampered: DemoStep = {
  name: 'tamper',
  async run(ctx) {
    const frame = Buffer.from(need(ctx.frame, 'sealed frame'));
    // First byte of the first segment's ciphertext: prefix(12) + header + segment prefix(5).
    const at = 12 + frame.readUInt32BE(8) + 5;
    frame[at] = frame[at]! ^ 0x01;
    // A fresh replay guard, so that only the flipped bit can be the reason for refusing.
    const code = await expectRefusal(ctx, frame, 'FERRY_ENVELOPE_TAMPERED', new MemoryReplayGuard());
    return { summary: `one flipped ciphertext bit (byte ${at}) is refused: ${code}` };
  },
};

export const refuseWrongReceiver: DemoStep = {
  name: 'not for me',
  async run(ctx) {
    const frame = need(ctx.frame, 'sealed frame');
    try {
      await open(frame, {
        me: need(ctx.provider, 'provider identity'),
        trust: need(ctx.trust, 'trust store'),
      });
    } catch (err) {
      if (isFerryError(err, 'FERRY_ENVELOPE_NOT_RECIPIENT')) {
        return { summary: `${PROVIDER.name} cannot open what it sent to ${CONSUMER.name}: ${err.code}` };
      }
      throw err;
    }
    throw new Error('a receiver the frame is not addressed to opened it');
  },
};

async function expectRefusal(
  ctx: SuiteContext,
  frame: Uint8Array,
  expected: FerryErrorCode,
  replay: ReplayGuard,
): Promise<string> {
  try {
    await open(frame, {
      me: need(ctx.consumer, 'consumer identity'),
      trust: need(ctx.trust, 'trust store'),
      replay,
    });
  } catch (err) {
    if (isFerryError(err, expected)) return err.code;
    if (isFerryError(err)) throw new Error(`expected ${expected}, got ${err.code}: ${err.message}`);
    throw err;
  }
  throw new Error(`the frame was accepted; expected ${expected}`);
}
