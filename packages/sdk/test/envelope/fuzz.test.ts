// Deterministic mutation fuzzing of valid frames: whatever is done to a frame, open and openStream refuse it
// with a FerryError (never another error, never success), and memory does not grow while they do.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { encodeHeader } from '../../src/envelope/header.js';
import { open, openStream, seal } from '../../src/envelope/index.js';
import { FerryError } from '../../src/errors/index.js';
import type { Identity, TrustStore } from '../../src/pki/index.js';
import { pkiFixture } from '../helpers/pki-fixtures.js';
import { rng } from '../helpers/random.js';
import { chunked, collect, headerBytesOf, layout, replaceHeader } from './frame-tools.js';

class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  int(below: number): number {
    return Math.floor(this.next() * below);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bytes(n: number): Buffer {
    return Buffer.from(Array.from({ length: n }, () => this.int(256)));
  }
}

/** A full garbage collection when the runtime allows one (`--expose-gc` can be turned on late through v8). */
function collectGarbage(): void {
  try {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  } catch {
    // No gc available: the measurement below still bounds growth, with more noise.
  }
}

interface Mutation {
  kind: string;
  bytes: Buffer;
}

/** Values a length field is rewritten to: off by a little, zero, huge, the whole frame. */
function lengthValues(random: Random, old: number, frameLength: number, max: number): number {
  const options = [
    0,
    1,
    old - 1,
    old + 1,
    old - 16,
    old + 16,
    old * 2,
    frameLength,
    max,
    random.int(max + 1),
  ];
  return Math.max(0, Math.min(max, random.pick(options)));
}

function mutate(random: Random, frame: Buffer, other: Buffer): Mutation {
  const where = layout(frame);
  const n = frame.length;
  const kind = random.pick([
    'bit-flip',
    'byte-set',
    'insert',
    'delete',
    'duplicate-range',
    'length-field',
    'truncate',
    'splice',
    'segments',
    'header-edit',
    'signature',
  ]);
  const bytes = Buffer.from(frame);
  switch (kind) {
    case 'bit-flip': {
      for (let i = 1 + random.int(4); i > 0; i--) bytes[random.int(n)]! ^= 1 << random.int(8);
      return { kind, bytes };
    }
    case 'byte-set': {
      for (let i = 1 + random.int(3); i > 0; i--)
        bytes[random.int(n)] = random.pick([0x00, 0xff, 0x7f, 0x80, random.int(256)]);
      return { kind, bytes };
    }
    case 'insert': {
      const at = random.int(n + 1);
      return {
        kind,
        bytes: Buffer.concat([frame.subarray(0, at), random.bytes(1 + random.int(32)), frame.subarray(at)]),
      };
    }
    case 'delete': {
      const at = random.int(n);
      return {
        kind,
        bytes: Buffer.concat([frame.subarray(0, at), frame.subarray(Math.min(n, at + 1 + random.int(64)))]),
      };
    }
    case 'duplicate-range': {
      const start = random.int(n);
      const range = frame.subarray(start, Math.min(n, start + 1 + random.int(256)));
      const at = random.pick([start, start + range.length, random.int(n + 1)]);
      return { kind, bytes: Buffer.concat([frame.subarray(0, at), range, frame.subarray(at)]) };
    }
    case 'length-field': {
      const segment = random.pick(where.segments);
      const field = random.pick(['header', 'segment', 'segment-flag', 'signature'] as const);
      if (field === 'header')
        bytes.writeUInt32BE(lengthValues(random, bytes.readUInt32BE(8), n, 0xffffffff), 8);
      if (field === 'segment') {
        bytes.writeUInt32BE(
          lengthValues(random, bytes.readUInt32BE(segment.offset + 1), n, 0xffffffff),
          segment.offset + 1,
        );
      }
      if (field === 'segment-flag') bytes[segment.offset] = random.pick([0, 1, 2, 0xff]);
      if (field === 'signature') {
        const at = where.signatureLengthOffset;
        bytes.writeUInt16BE(lengthValues(random, bytes.readUInt16BE(at), n, 0xffff), at);
      }
      return { kind: `${kind}:${field}`, bytes };
    }
    case 'truncate':
      return { kind, bytes: Buffer.from(frame.subarray(0, random.int(n))) };
    case 'splice': {
      // Cut both frames at random places or at part boundaries, and join the head of one to the tail of the other.
      const cuts = (l: typeof where, length: number) => [
        random.int(length + 1),
        l.headerEnd,
        ...l.segments.map((s) => s.offset),
        l.signatureLengthOffset,
      ];
      const head = random.pick(cuts(where, n));
      const otherLayout = layout(other);
      const tail = random.pick(cuts(otherLayout, other.length));
      return { kind, bytes: Buffer.concat([frame.subarray(0, head), other.subarray(tail)]) };
    }
    case 'segments': {
      // Whole segments dropped, repeated or swapped: what a relay could do without touching a byte inside one.
      const parts = where.segments.map((s) => frame.subarray(s.offset, s.end));
      const op = random.pick(['drop', 'repeat', 'swap', 'final-first']);
      const i = random.int(parts.length);
      const j = random.int(parts.length);
      if (op === 'drop') parts.splice(i, 1);
      if (op === 'repeat') parts.splice(j, 0, parts[i]!);
      if (op === 'swap') [parts[i], parts[j]] = [parts[j]!, parts[i]!];
      if (op === 'final-first') parts.unshift(parts.pop()!);
      return {
        kind: `${kind}:${op}`,
        bytes: Buffer.concat([
          frame.subarray(0, where.headerEnd),
          ...parts,
          frame.subarray(where.signatureLengthOffset),
        ]),
      };
    }
    case 'signature': {
      // The outer signature's own encoding: its DER tags and lengths, or bytes appended inside its length.
      const start = where.signatureStart;
      const length = n - start;
      if (random.next() < 0.3) {
        const extended = Buffer.concat([frame, random.bytes(1 + random.int(3))]);
        extended.writeUInt16BE(extended.length - start, where.signatureLengthOffset);
        return { kind: `${kind}:appended`, bytes: extended };
      }
      const at = start + (random.next() < 0.5 ? random.int(Math.min(8, length)) : random.int(length));
      bytes[at]! ^= 1 << random.int(8);
      return { kind: `${kind}:bit-flip`, bytes };
    }
    default: {
      // A canonical, well-formed header with one field changed: only the signatures can tell.
      const header = JSON.parse(headerBytesOf(frame).toString('utf8'));
      const field = random.pick(['iat', 'seq', 'epoch', 'resource', 'rows', 'segment', 'to', 'id', 'type']);
      if (field === 'iat') header.iat += random.pick([-1, 1, -60_000]);
      if (field === 'seq') header.stream.seq += 1;
      if (field === 'epoch') header.stream.epoch += 1;
      if (field === 'resource') header.resource += 'X';
      if (field === 'rows') header.content.rows = header.content.rows === null ? 1 : header.content.rows + 1;
      if (field === 'segment') header.content.segment *= 2;
      if (field === 'to') header.to.reverse();
      if (field === 'id') header.id = `${header.id.slice(1)}${header.id[0]}`;
      if (field === 'type') header.content.type = 'text/plain';
      return { kind: `${kind}:${field}`, bytes: replaceHeader(frame, encodeHeader(header)) };
    }
  }
}

interface Corpus {
  label: string;
  frames: Buffer[];
  me: Identity;
  trust: TrustStore;
  now: Date;
}

async function corpus(algorithm: 'rsa' | 'ec-p256' | 'sm2', now: Date): Promise<Corpus> {
  const { alice, bob, carol, trust } = pkiFixture(algorithm);
  const base = { from: alice, resource: '371000000000/00003', issuedAt: now, segmentSize: 1024 };
  const rows = Array.from({ length: 40 }, (_, i) => ({ 序号: i, 名称: `单位${i}`, 金额: `${i * 37}.5` }));
  const frames = [
    await seal({ ...base, to: bob.certificate, stream: { epoch: 1, seq: 0 }, rows, compression: 'deflate' }),
    await seal({
      ...base,
      to: [carol.certificate, bob.certificate],
      stream: { epoch: 1, seq: 1 },
      rows,
      compression: 'none',
    }),
    await seal({
      ...base,
      to: bob.certificate,
      stream: { epoch: 1, seq: 2 },
      bytes: Buffer.alloc(1500, 0x5a),
      compression: 'none',
    }),
  ].map((f) => Buffer.from(f));
  return { label: algorithm, frames, me: bob, trust, now };
}

interface Outcome {
  codes: Map<string, number>;
  /** Mutated frames and milliseconds spent, per corpus. */
  cost: Map<string, { frames: number; ms: number }>;
  failures: string[];
  count: number;
}

async function run(
  random: Random,
  corpora: Corpus[],
  count: number,
  outcome: Outcome,
  options: { streamEvery: number },
): Promise<void> {
  const valid = corpora.flatMap((c) => c.frames.map((f) => f.toString('hex')));
  for (let i = 0; i < count; i++) {
    const target = random.pick(corpora);
    const frame = random.pick(target.frames);
    // Splice partners: usually a frame of the same suite, sometimes of the other one.
    const other = random.pick(random.next() < 0.8 ? target.frames : random.pick(corpora).frames);
    const { kind, bytes } = mutate(random, frame, other);
    if (valid.includes(bytes.toString('hex'))) continue; // a no-op mutation
    outcome.count++;
    const started = performance.now();
    const opts = { me: target.me, trust: target.trust, now: target.now };
    const label = `${target.label} ${kind} #${outcome.count}`;
    const check = (err: unknown, how: string) => {
      if (!(err instanceof FerryError) || typeof err.code !== 'string') {
        outcome.failures.push(`${label} (${how}): threw ${String(err)}`);
      } else if (how === 'open') {
        outcome.codes.set(err.code, (outcome.codes.get(err.code) ?? 0) + 1);
      }
    };
    try {
      await open(bytes, opts);
      outcome.failures.push(`${label} (open): accepted ${bytes.toString('hex').slice(0, 64)}…`);
    } catch (err) {
      check(err, 'open');
    }
    if (i % options.streamEvery === 0) {
      const sizes = [1 + random.int(7), 1 + random.int(2000), 1 + random.int(100)];
      try {
        const opened = await openStream(chunked(bytes, sizes), opts);
        await collect(opened.content);
        outcome.failures.push(`${label} (openStream): accepted`);
      } catch (err) {
        check(err, 'openStream');
      }
    }
    const cost = outcome.cost.get(target.label) ?? { frames: 0, ms: 0 };
    cost.frames++;
    cost.ms += performance.now() - started;
    outcome.cost.set(target.label, cost);
  }
}

// Defaults keep the suite fast and deterministic; a nightly job can fuzz longer with other seeds, e.g.
// FERRY_FUZZ_SEED=$RANDOM FERRY_FUZZ_SCALE=20 npx vitest run packages/sdk/test/envelope/fuzz.test.ts
const SEED = Number(process.env.FERRY_FUZZ_SEED ?? 0x5eed_f022);
const SCALE = Number(process.env.FERRY_FUZZ_SCALE ?? 1);

describe('fuzzing open and openStream', () => {
  it('refuses every mutated frame with a FerryError, without growing memory', {
    timeout: 120_000 * SCALE,
  }, async () => {
    const now = new Date('2031-03-01T00:00:00Z');
    const corpora = [await corpus('rsa', now), await corpus('ec-p256', now), await corpus('sm2', now)];
    // The GM suite verifies in JavaScript and costs several times more per frame: it gets a smaller share.
    const weighted = [corpora[0]!, corpora[1]!, corpora[1]!, corpora[2]!];
    for (const c of corpora) {
      for (const frame of c.frames) await open(frame, { me: c.me, trust: c.trust, now }); // the corpus is valid
    }
    const random = new Random(SEED);
    const outcome: Outcome = { codes: new Map(), cost: new Map(), failures: [], count: 0 };

    const started = performance.now();
    await run(random, weighted, 500, outcome, { streamEvery: 16 });
    collectGarbage();
    const heapAfterWarmUp = process.memoryUsage().heapUsed;
    await run(random, weighted, Math.round(4750 * SCALE), outcome, { streamEvery: 16 });
    collectGarbage();
    const growth = process.memoryUsage().heapUsed - heapAfterWarmUp;
    const seconds = (performance.now() - started) / 1000;

    const codes = Object.fromEntries([...outcome.codes].sort((a, b) => b[1] - a[1]));
    const cost = [...outcome.cost].map(
      ([label, c]) => `${label} ${c.frames} in ${(c.ms / 1000).toFixed(1)} s`,
    );
    console.info(
      `fuzz (seed ${SEED}): ${outcome.count} mutated frames in ${seconds.toFixed(1)} s (${cost.join(', ')}), heap growth ${(growth / 2 ** 20).toFixed(1)} MiB, codes ${JSON.stringify(codes)}`,
    );
    expect(outcome.failures.slice(0, 20)).toEqual([]);
    expect(outcome.count).toBeGreaterThanOrEqual(Math.min(5000, 4750 * SCALE));
    expect(outcome.codes.size).toBeGreaterThan(5);
    expect(growth).toBeLessThan(64 * 2 ** 20);
  });
});
