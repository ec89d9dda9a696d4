// Envelope throughput and memory, each figure beside the peer or limit it is compared with:
//   1. INTL seal/open against the same primitives called straight from node:crypto, and against nested
//      compact JWS(JWE) with `jose`;
//   2. GM seal/open against SM4-CTR + HMAC-SM3 (node:crypto) and SM2 (sm-crypto-v2) called directly;
//   3. peak RSS of sealStream/openStream over a 1 GiB stream against the 200 MB limit.
// Run: pnpm bench:envelope  (or node --expose-gc --import tsx bench/envelope.ts [--quick])
import { fork } from 'node:child_process';
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createHmac,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  type KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { CompactEncrypt, CompactSign, compactDecrypt, compactVerify, importPKCS8, importSPKI } from 'jose';
import { open, openStream, seal, sealStream } from '../packages/sdk/src/envelope/index.js';
import {
  createCertificateAuthority,
  generateKeyPair,
  type Identity,
  issueCertificate,
  type KeyAlgorithm,
  TrustStore,
} from '../packages/sdk/src/pki/index.js';
import { sm2Decrypt, sm2Encrypt, sm2Sign, sm2Verify } from '../packages/sdk/src/pki/sm2.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
/** Time batches by wall clock instead of process CPU time. */
const WALL = args.has('--wall');
const ROUNDS = QUICK ? 5 : 9;
const BATCH_MS = 60;
const WARMUP_MS = 150;
const MEMORY_BYTES = QUICK ? 128 * MiB : 1024 * MiB;
const MEMORY_LIMIT = 200 * 1e6;
const TARGET_DIRECT = 0.8;
const TARGET_JOSE = 10;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

// ───────────────────────────── parties ─────────────────────────────

interface Parties {
  label: string;
  sender: Identity;
  recipient: Identity;
  trust: TrustStore;
}

function makeParties(label: string, algorithm: KeyAlgorithm): Parties {
  const key = () => generateKeyPair(algorithm, algorithm === 'rsa' ? { rsaBits: 2048 } : {});
  const ca = createCertificateAuthority({ subject: { commonName: `Bench CA ${label}` }, key: key() });
  const dept = (code: string): Identity => {
    const privateKey = key();
    const certificate = issueCertificate({
      issuer: ca,
      subject: { commonName: code, departmentCode: code },
      publicKey: privateKey.publicKey,
    });
    return { certificate, privateKey };
  };
  return {
    label,
    sender: dept('11510000MB1234562Y'),
    recipient: dept('11510000MB23456780'),
    trust: new TrustStore([ca.certificate]),
  };
}

const sealOptions = (p: Parties) => ({
  from: p.sender,
  to: p.recipient.certificate,
  resource: '101001/000001',
  stream: { epoch: 1, seq: 0 },
});

// ───────────────────────────── contenders ─────────────────────────────

/** One way of protecting a payload: seal returns an opaque sealed value, open must return the payload. */
interface Contender {
  name: string;
  seal(payload: Uint8Array): Promise<unknown>;
  open(sealed: unknown): Promise<Uint8Array>;
}

function ferryContender(p: Parties, compression: 'none' | 'deflate' = 'none'): Contender {
  return {
    name: 'ferry',
    seal: (bytes) => seal({ ...sealOptions(p), bytes, compression }),
    open: async (frame) => (await open(frame as Uint8Array, { me: p.recipient, trust: p.trust })).content,
  };
}

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;
const AES_KW_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
/**
 * update() output followed by final() output. GCM and CTR are stream modes whose final() returns nothing, so
 * this is the update() buffer itself: the peers make no copy that the work does not need (ferry makes none
 * either when it opens content of one segment).
 */
const joined = (head: Buffer, tail: Buffer) => (tail.length === 0 ? head : Buffer.concat([head, tail]));

interface DirectSealed {
  iv: Buffer;
  ct: Buffer;
  tag: Buffer;
  wrapped: Buffer;
  epk?: Buffer;
  inner: Buffer;
  outer: Buffer;
}

/**
 * The same cryptographic work as a ferry INTL envelope, without framing: one AES-256-GCM pass over the whole
 * payload, the key wrap (RSA-OAEP-256, or ephemeral ECDH + HKDF-SHA256 + AES-256-KW), an inner signature
 * over SHA-256(plaintext) and an outer one over SHA-256(ciphertext). Open is the inverse.
 */
function directContender(p: Parties): Contender {
  const senderKey = p.sender.privateKey.keyObject!;
  const senderPub = p.sender.certificate.publicKey.keyObject!;
  const recipientPub = p.recipient.certificate.publicKey.keyObject!;
  const recipientKey = p.recipient.privateKey.keyObject!;
  const rsa = p.sender.privateKey.algorithm === 'rsa';
  const sigOptions = (key: KeyObject) =>
    rsa
      ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }
      : { key, dsaEncoding: 'der' as const };
  const kek = (shared: Buffer, epk: Buffer) =>
    Buffer.from(hkdfSync('sha256', shared, epk, Buffer.from('bench-ecdh-es'), 32));

  const recipientJwk = recipientPub.export({ format: 'jwk' });
  const recipientPoint = rsa
    ? Buffer.alloc(0)
    : Buffer.concat([
        Buffer.of(4),
        Buffer.from(recipientJwk.x!, 'base64url'),
        Buffer.from(recipientJwk.y!, 'base64url'),
      ]);
  const wrap = (cek: Buffer): { wrapped: Buffer; epk?: Buffer } => {
    if (rsa) return { wrapped: publicEncrypt({ key: recipientPub, ...OAEP }, cek) };
    // The ephemeral key the way ferry makes it (the ECDH class: cheaper than generateKeyPairSync + diffieHellman).
    const eph = createECDH('prime256v1');
    const epk = eph.generateKeys();
    const shared = eph.computeSecret(recipientPoint);
    const kw = createCipheriv('id-aes256-wrap', kek(shared, epk), AES_KW_IV);
    return { wrapped: Buffer.concat([kw.update(cek), kw.final()]), epk };
  };
  const unwrap = (s: DirectSealed): Buffer => {
    if (rsa) return privateDecrypt({ key: recipientKey, ...OAEP }, s.wrapped);
    const epk = s.epk!;
    const ephPub = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: epk.subarray(1, 33).toString('base64url'),
        y: epk.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    });
    const shared = diffieHellman({ privateKey: recipientKey, publicKey: ephPub });
    const kw = createDecipheriv('id-aes256-wrap', kek(shared, epk), AES_KW_IV);
    return Buffer.concat([kw.update(s.wrapped), kw.final()]);
  };

  return {
    name: 'direct',
    async seal(payload) {
      const cek = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', cek, iv);
      const ct = joined(cipher.update(payload), cipher.final());
      const tag = cipher.getAuthTag();
      const inner = sign('sha256', sha256(payload), sigOptions(senderKey));
      const outer = sign('sha256', sha256(ct), sigOptions(senderKey));
      return { iv, ct, tag, ...wrap(cek), inner, outer } satisfies DirectSealed;
    },
    async open(sealed) {
      const s = sealed as DirectSealed;
      if (!verify('sha256', sha256(s.ct), sigOptions(senderPub), s.outer)) throw new Error('outer signature');
      const decipher = createDecipheriv('aes-256-gcm', unwrap(s), s.iv);
      decipher.setAuthTag(s.tag);
      const pt = joined(decipher.update(s.ct), decipher.final());
      if (!verify('sha256', sha256(pt), sigOptions(senderPub), s.inner)) throw new Error('inner signature');
      return pt;
    },
  };
}

/** Nested compact JWS(JWE) with jose: encrypt to the recipient, then sign the JWE string. Keys imported once. */
async function joseContender(p: Parties): Promise<Contender> {
  const rsa = p.sender.privateKey.algorithm === 'rsa';
  const alg = rsa ? 'RSA-OAEP-256' : 'ECDH-ES+A256KW';
  const sigAlg = rsa ? 'PS256' : 'ES256';
  const encryptKey = await importSPKI(p.recipient.certificate.publicKey.toPem(), alg);
  const decryptKey = await importPKCS8(p.recipient.privateKey.toPem(), alg);
  const signKey = await importPKCS8(p.sender.privateKey.toPem(), sigAlg);
  const verifyKey = await importSPKI(p.sender.certificate.publicKey.toPem(), sigAlg);
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  return {
    name: 'jose',
    async seal(payload) {
      const jwe = await new CompactEncrypt(payload)
        .setProtectedHeader({ alg, enc: 'A256GCM' })
        .encrypt(encryptKey);
      return new CompactSign(encoder.encode(jwe))
        .setProtectedHeader({ alg: sigAlg, cty: 'JWE' })
        .sign(signKey);
    },
    async open(sealed) {
      const { payload } = await compactVerify(sealed as string, verifyKey);
      const { plaintext } = await compactDecrypt(decoder.decode(payload), decryptKey);
      return plaintext;
    },
  };
}

/** GM direct: SM4-CTR + HMAC-SM3 over the whole payload, SM2 encryption of the key, two SM2 signatures. */
function directGmContender(p: Parties): Contender {
  const d = p.sender.privateKey.sm2Scalar!;
  const senderPoint = p.sender.certificate.publicKey.sm2Point!;
  const recipientPoint = p.recipient.certificate.publicKey.sm2Point!;
  const recipientD = p.recipient.privateKey.sm2Scalar!;
  const sm3 = (data: Uint8Array) => createHash('sm3').update(data).digest();
  const keys = (cek: Uint8Array) =>
    Buffer.from(hkdfSync('sm3', cek, Buffer.alloc(0), Buffer.from('bench-gm'), 48));
  interface GmSealed {
    iv: Buffer;
    ct: Buffer;
    tag: Buffer;
    wrapped: Uint8Array;
    inner: Uint8Array;
    outer: Uint8Array;
  }
  return {
    name: 'direct',
    async seal(payload) {
      const cek = randomBytes(32);
      const k = keys(cek);
      const iv = randomBytes(16);
      const cipher = createCipheriv('sm4-ctr', k.subarray(0, 16), iv);
      const ct = joined(cipher.update(payload), cipher.final());
      const tag = createHmac('sm3', k.subarray(16)).update(ct).digest();
      const wrapped = sm2Encrypt(cek, recipientPoint);
      const inner = sm2Sign(sm3(payload), d, senderPoint);
      const outer = sm2Sign(sm3(ct), d, senderPoint);
      return { iv, ct, tag, wrapped, inner, outer } satisfies GmSealed;
    },
    async open(sealed) {
      const s = sealed as GmSealed;
      if (!sm2Verify(sm3(s.ct), s.outer, senderPoint)) throw new Error('outer signature');
      const k = keys(sm2Decrypt(s.wrapped, recipientD));
      if (!timingSafeEqual(createHmac('sm3', k.subarray(16)).update(s.ct).digest(), s.tag))
        throw new Error('mac');
      const decipher = createCipheriv('sm4-ctr', k.subarray(0, 16), s.iv);
      const pt = joined(decipher.update(s.ct), decipher.final());
      if (!sm2Verify(sm3(pt), s.inner, senderPoint)) throw new Error('inner signature');
      return pt;
    },
  };
}

// ───────────────────────────── timing ─────────────────────────────

/** ops/s of one operation, one figure per round. */
interface Series {
  run: () => Promise<unknown>;
  iterations: number;
  samples: number[];
}

async function calibrate(run: () => Promise<unknown>): Promise<Series> {
  let n = 0;
  const start = performance.now();
  while (n < 2 || performance.now() - start < WARMUP_MS) {
    await run();
    n++;
  }
  const perOp = (performance.now() - start) / n;
  return { run, iterations: Math.max(1, Math.round(BATCH_MS / perOp)), samples: [] };
}

/**
 * Times one batch. By default by the process's CPU time (user + system, all threads, so jose's WebCrypto work
 * on the libuv pool counts too): on a shared machine, time spent descheduled while other processes run does
 * not land on whichever contender happened to be running. `--wall` uses the wall clock instead.
 */
async function measure(series: Series): Promise<void> {
  gc();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < series.iterations; i++) await series.run();
  const cpu = process.cpuUsage(cpu0);
  const seconds = WALL ? (performance.now() - wall0) / 1000 : (cpu.user + cpu.system) / 1e6;
  series.samples.push(series.iterations / seconds);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median ops/s for seal and open of each contender, rounds interleaved and rotated (the machine is shared). */
async function compare(
  contenders: Contender[],
  payload: Uint8Array,
): Promise<Map<string, { seal: number; open: number }>> {
  const series: { name: string; seal: Series; open: Series }[] = [];
  for (const c of contenders) {
    const sample = await c.seal(payload);
    const back = await c.open(sample);
    if (!Buffer.from(back).equals(Buffer.from(payload)))
      throw new Error(`${c.name}: open did not return the payload`);
    series.push({
      name: c.name,
      seal: await calibrate(() => c.seal(payload)),
      open: await calibrate(() => c.open(sample)),
    });
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < series.length; i++) {
      const s = series[(i + round) % series.length]!;
      await measure(s.seal);
      await measure(s.open);
    }
  }
  return new Map(series.map((s) => [s.name, { seal: median(s.seal.samples), open: median(s.open.samples) }]));
}

// ───────────────────────────── output ─────────────────────────────

function table(rows: string[][], rightFrom = 1): string {
  const widths: number[] = [];
  for (const row of rows)
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  return rows
    .map((row) =>
      `  ${row.map((cell, i) => (i >= rightFrom ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd(),
    )
    .join('\n');
}

const sizeLabel = (n: number) => (n >= MiB ? `${n / MiB} MiB` : `${n / KiB} KiB`);
const ops = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const mbps = (opsPerSec: number, size: number) => {
  const v = (opsPerSec * size) / 1e6;
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
};
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const times = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

function header(): void {
  console.log(
    `Ferry envelope benchmark · Node ${process.version} · OpenSSL ${process.versions.openssl} · ${cpus()[0]?.model ?? '?'} ×${cpus().length} · load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `Median of ${ROUNDS} rounds; contenders interleaved round by round, order rotated; ~${BATCH_MS} ms per batch after ${WARMUP_MS} ms warm-up;`,
  );
  console.log(
    WALL
      ? 'ops/s by wall-clock time.'
      : 'ops/s by process CPU time (user + system, all threads), which other processes on a shared machine disturb less; --wall for wall clock.',
  );
  if (!(globalThis as { gc?: unknown }).gc)
    console.log('(run with --expose-gc to collect garbage between batches)');
}

// ───────────────────────────── INTL ─────────────────────────────

interface Target {
  label: string;
  op: 'seal' | 'open';
  direct: number;
  jose: number;
}

async function benchIntl(): Promise<Target[]> {
  const targets: Target[] = [];
  const sizes = [KiB, 64 * KiB, MiB];
  for (const [label, algorithm, wrap] of [
    ['RSA-2048', 'rsa', 'RSA-OAEP-256 + RSA-PSS-SHA256 · jose: RSA-OAEP-256/A256GCM + PS256'],
    ['EC P-256', 'ec-p256', 'ECDH-ES+A256KW + ECDSA-P256-SHA256 · jose: ECDH-ES+A256KW/A256GCM + ES256'],
  ] as const) {
    const parties = makeParties(label, algorithm);
    const contenders = [ferryContender(parties), directContender(parties), await joseContender(parties)];
    console.log(`\nINTL ${label}: ${wrap}; random payload, compression none`);
    const rows = [
      [
        'size',
        'op',
        'ferry ops/s',
        'MB/s',
        'direct ops/s',
        'MB/s',
        'jose ops/s',
        'MB/s',
        'ferry/direct',
        'ferry/jose',
      ],
    ];
    for (const size of sizes) {
      const result = await compare(contenders, randomBytes(size));
      const f = result.get('ferry')!;
      const d = result.get('direct')!;
      const j = result.get('jose')!;
      for (const op of ['seal', 'open'] as const) {
        rows.push([
          sizeLabel(size),
          op,
          ops(f[op]),
          mbps(f[op], size),
          ops(d[op]),
          mbps(d[op], size),
          ops(j[op]),
          mbps(j[op], size),
          ratio(f[op], d[op]),
          times(f[op], j[op]),
        ]);
        if (size === MiB) targets.push({ label, op, direct: f[op] / d[op], jose: f[op] / j[op] });
      }
    }
    console.log(table(rows, 2));
  }
  return targets;
}

/** For information: what deflate costs (random content) and gives (NDJSON rows), ferry only, 1 MiB. */
async function benchDeflate(): Promise<void> {
  const parties = makeParties('EC P-256', 'ec-p256');
  const rows: string[] = [];
  for (let i = 0; rows.join('\n').length < MiB; i++) {
    rows.push(
      JSON.stringify({
        公民身份号码: `5101041990${String(i).padStart(8, '0')}`,
        姓名: ['张伟', '李娜', '王强', '刘洋'][i % 4],
        出生日期: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
        户籍地址: `成都市锦江区春熙路街道${i % 97}号`,
        更新时间: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      }),
    );
  }
  const ndjson = Buffer.from(rows.join('\n')).subarray(0, MiB);
  console.log('\nFor information, INTL EC P-256, 1 MiB, compression deflate (ferry only):');
  const out = [['content', 'seal ops/s', 'MB/s', 'open ops/s', 'MB/s', 'frame/content']];
  for (const [label, payload] of [
    ['random bytes', randomBytes(MiB)],
    ['NDJSON rows', ndjson],
  ] as const) {
    const ferry = ferryContender(parties, 'deflate');
    const frame = (await ferry.seal(payload)) as Uint8Array;
    const r = (await compare([ferry], payload)).get('ferry')!;
    out.push([
      label,
      ops(r.seal),
      mbps(r.seal, MiB),
      ops(r.open),
      mbps(r.open, MiB),
      `${((100 * frame.length) / payload.length).toFixed(1)}%`,
    ]);
  }
  console.log(table(out));
}

// ───────────────────────────── GM ─────────────────────────────

async function benchGm(): Promise<void> {
  const parties = makeParties('SM2', 'sm2');
  console.log(
    '\nGM SM2: SM4-CTR + HMAC-SM3 (node:crypto), SM2 key transport + 2 SM2-with-SM3 signatures (sm-crypto-v2); compression none',
  );
  console.log('  (ferry open also verifies the sender certificate: one more SM2 verification than direct)');
  const rows = [['size', 'op', 'ferry ops/s', 'MB/s', 'direct ops/s', 'MB/s', 'ferry/direct']];
  for (const size of [64 * KiB, MiB]) {
    const result = await compare([ferryContender(parties), directGmContender(parties)], randomBytes(size));
    const f = result.get('ferry')!;
    const d = result.get('direct')!;
    for (const op of ['seal', 'open'] as const) {
      rows.push([
        sizeLabel(size),
        op,
        ops(f[op]),
        mbps(f[op], size),
        ops(d[op]),
        mbps(d[op], size),
        ratio(f[op], d[op]),
      ]);
    }
  }
  console.log(table(rows, 2));
}

// ───────────────────────────── memory ─────────────────────────────

interface PhaseResult {
  seconds: number;
  bytes: number;
  /** Largest process.memoryUsage().rss seen inside the child (sampled between chunks and every 50 ms). */
  maxRss: number;
  /** Kernel high-water mark of RSS for the phase (VmHWM after clear_refs), when Linux provides it. */
  hwm: number | undefined;
  baseline: number;
}

type ChildMessage = { phase: string; state: 'start' } | { phase: string; state: 'end'; result: PhaseResult };

function readStatus(pid: number | 'self', field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(
      new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'),
    );
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function resetPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM to the current RSS (Linux ≥ 4.0)
  } catch {
    // not Linux, or not allowed: VmHWM then covers the whole process life
  }
}

/** Runs in a fresh child process so that the throughput benchmarks' garbage does not count. */
async function memoryChild(bytes: number): Promise<void> {
  const send = (m: ChildMessage) => process.send!(m);
  const parties = makeParties('EC P-256', 'ec-p256');
  const block = randomBytes(MiB);
  async function* source(): AsyncGenerator<Uint8Array> {
    for (let at = 0; at < bytes; at += MiB) yield block.subarray(0, Math.min(MiB, bytes - at));
  }
  const options = { ...sealOptions(parties), compression: 'none' as const };

  async function phase(name: string, body: (tick: () => void) => Promise<void>): Promise<void> {
    gc();
    resetPeak();
    const baseline = process.memoryUsage.rss();
    let maxRss = baseline;
    let last = 0;
    const tick = () => {
      const now = performance.now();
      if (now - last >= 50) {
        last = now;
        maxRss = Math.max(maxRss, process.memoryUsage.rss());
      }
    };
    const timer = setInterval(() => {
      maxRss = Math.max(maxRss, process.memoryUsage.rss());
    }, 50);
    send({ phase: name, state: 'start' });
    const start = performance.now();
    await body(tick);
    const seconds = (performance.now() - start) / 1000;
    clearInterval(timer);
    maxRss = Math.max(maxRss, process.memoryUsage.rss());
    send({
      phase: name,
      state: 'end',
      result: { seconds, bytes, maxRss, hwm: readStatus('self', 'VmHWM'), baseline },
    });
  }

  await phase('sealStream → discard', async (tick) => {
    let n = 0;
    for await (const chunk of sealStream(source(), options)) {
      n += chunk.length;
      tick();
    }
    if (n < bytes) throw new Error('sealStream produced less than its input');
  });

  const dir = await mkdtemp(join(tmpdir(), 'ferry-bench-'));
  try {
    const file = join(dir, 'big.ferry');
    await pipeline(Readable.from(sealStream(source(), options)), createWriteStream(file));
    await phase('file → openStream → discard', async (tick) => {
      const opened = await openStream(createReadStream(file, { highWaterMark: 256 * KiB }), {
        me: parties.recipient,
        trust: parties.trust,
      });
      let n = 0;
      for await (const chunk of opened.content) {
        n += chunk.length;
        tick();
      }
      if (n !== bytes) throw new Error(`openStream returned ${n} bytes, expected ${bytes}`);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function benchMemory(): Promise<void> {
  console.log(
    `\nPeak memory: ${MEMORY_BYTES / MiB} MiB through sealStream and openStream (INTL EC P-256, 64 KiB segments, compression none), in a fresh process; limit ${MEMORY_LIMIT / 1e6} MB`,
  );
  const child = fork(fileURLToPath(import.meta.url), ['--memory-child', String(MEMORY_BYTES)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let phase: string | undefined;
  const peaks = new Map<string, number>();
  const results: [string, PhaseResult][] = [];
  const sampler = setInterval(() => {
    const rss = child.pid === undefined ? undefined : readStatus(child.pid, 'VmRSS');
    if (phase && rss !== undefined) peaks.set(phase, Math.max(peaks.get(phase) ?? 0, rss));
  }, 50);
  child.on('message', (m: ChildMessage) => {
    if (m.state === 'start') phase = m.phase;
    else {
      phase = undefined;
      results.push([m.phase, m.result]);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`the memory benchmark process exited with code ${code}`);
  const mb = (n: number | undefined) => (n === undefined ? 'n/a' : `${(n / 1e6).toFixed(0)} MB`);
  const rows = [
    [
      'phase',
      'MB/s',
      'RSS before',
      'peak RSS /50 ms',
      'max memoryUsage().rss',
      'VmHWM',
      'growth',
      'vs 200 MB',
    ],
  ];
  for (const [name, r] of results) {
    const sampled = peaks.get(name);
    const worst = Math.max(sampled ?? 0, r.maxRss, r.hwm ?? 0);
    rows.push([
      name,
      (r.bytes / 1e6 / r.seconds).toFixed(0),
      mb(r.baseline),
      mb(sampled),
      mb(r.maxRss),
      mb(r.hwm),
      `+${mb(worst - r.baseline)}`,
      verdict(worst <= MEMORY_LIMIT),
    ]);
  }
  console.log(table(rows));
  console.log(
    '  peak RSS /50 ms: the parent reads /proc/<pid>/status every 50 ms; VmHWM: the kernel high-water mark (reset per phase);\n' +
      '  growth: worst peak minus RSS before. RSS before includes Node, the tsx loader thread, jose and the SDK sources.',
  );
}

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<void> {
  const started = performance.now();
  header();
  const targets = await benchIntl();
  console.log(
    `\nTargets at 1 MiB: ferry ≥ ${TARGET_DIRECT * 100}% of direct node:crypto, ≥ ${TARGET_JOSE}× jose JWS(JWE)`,
  );
  console.log(
    table(
      [
        ['keys', 'op', 'ferry/direct', '', 'ferry/jose', ''],
        ...targets.map((t) => [
          t.label,
          t.op,
          t.direct.toFixed(2),
          verdict(t.direct >= TARGET_DIRECT),
          `${t.jose.toFixed(1)}×`,
          verdict(t.jose >= TARGET_JOSE),
        ]),
      ],
      2,
    ),
  );
  await benchDeflate();
  await benchGm();
  await benchMemory();
  console.log(
    `\nDone in ${((performance.now() - started) / 1000).toFixed(0)} s (load ${loadavg()[0]?.toFixed(1)}).`,
  );
}

const childIndex = process.argv.indexOf('--memory-child');
const run = childIndex >= 0 ? memoryChild(Number(process.argv[childIndex + 1])) : main();
run.catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
