// Shared pieces of the PKI tests: a three-level chain per algorithm and access to the OpenSSL CLI, the
// independent implementation the interop tests compare against.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FerryErrorCode, isFerryError } from '../../src/errors/index.js';
import {
  type Certificate,
  createCertificateAuthority,
  generateKeyPair,
  issueCertificate,
  type KeyAlgorithm,
  type PrivateKey,
  TrustStore,
} from '../../src/pki/index.js';

export const ALGORITHMS: readonly KeyAlgorithm[] = ['rsa', 'ec-p256', 'sm2'];

/** A made-up 统一社会信用代码 for the test department. */
export const DEPT_CODE = '11370000MB0000001A';

/** A fresh key; RSA at 2048 bits so the tests stay fast. */
export function newKey(algorithm: KeyAlgorithm): PrivateKey {
  return generateKeyPair(algorithm, { rsaBits: 2048 });
}

export interface Authority {
  certificate: Certificate;
  privateKey: PrivateKey;
}

/** Root CA → intermediate CA → department certificate, all of one algorithm. */
export interface Chain {
  algorithm: KeyAlgorithm;
  root: Authority;
  inter: Authority;
  leaf: Certificate;
  leafKey: PrivateKey;
  /** Trusts `root` only; pass `inter` as an intermediate. */
  trust: TrustStore;
}

export function buildChain(algorithm: KeyAlgorithm): Chain {
  const root = createCertificateAuthority({
    subject: { commonName: `Ferry 测试根 CA (${algorithm})`, organization: 'Ferry 测试平台', country: 'CN' },
    key: newKey(algorithm),
  });
  const interKey = newKey(algorithm);
  const inter: Authority = {
    certificate: issueCertificate({
      issuer: root,
      subject: { commonName: `Ferry 签发 CA (${algorithm})`, organization: 'Ferry 测试平台', country: 'CN' },
      publicKey: interKey.publicKey,
      profile: 'intermediate-ca',
    }),
    privateKey: interKey,
  };
  const leafKey = newKey(algorithm);
  const leaf = issueCertificate({
    issuer: inter,
    subject: {
      commonName: '某市大数据局前置机',
      organization: '某市大数据局',
      organizationalUnit: '数据共享科',
      country: 'CN',
      departmentCode: DEPT_CODE,
    },
    publicKey: leafKey.publicKey,
  });
  return { algorithm, root, inter, leaf, leafKey, trust: new TrustStore([root.certificate]) };
}

const sharedChains = new Map<KeyAlgorithm, Chain>();
/** One chain per algorithm for the whole test file (each file runs in its own module instance). */
export function sharedChain(algorithm: KeyAlgorithm): Chain {
  let chain = sharedChains.get(algorithm);
  if (!chain) {
    chain = buildChain(algorithm);
    sharedChains.set(algorithm, chain);
  }
  return chain;
}

/** A copy of `der` with the byte at `index` (negative: from the end) flipped. */
export function flipByte(der: Uint8Array, index: number): Uint8Array {
  const out = der.slice();
  const i = index < 0 ? out.length + index : index;
  out[i] = out[i]! ^ 0x01;
  return out;
}

const opensslVersion = spawnSync('openssl', ['version'], { encoding: 'utf8' });
/** True when the `openssl` CLI runs. */
export const opensslAvailable = opensslVersion.status === 0;

/**
 * `describe` for suites that need the OpenSSL CLI: skipped with a message when it is missing, except on CI
 * (`process.env.CI`), where a missing CLI fails the run instead of silently skipping the interop checks.
 */
export function describeWithOpenssl(name: string, body: () => void): void {
  if (opensslAvailable) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it('needs the openssl CLI', () => {
        throw new Error('The openssl CLI is required on CI for the PKI interop tests');
      });
    });
  } else {
    console.warn(`[pki tests] openssl CLI not found: skipping "${name}"`);
    describe.skip(name, body);
  }
}

export interface OpensslResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `openssl <args>` in `cwd`. */
export function openssl(args: string[], cwd: string, input?: string): OpensslResult {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8', ...(input === undefined ? {} : { input }) });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** A temporary directory with helpers to write files into it; `remove()` deletes it. */
export function tempDir(): {
  path: string;
  write(name: string, data: string | Uint8Array): string;
  remove(): void;
} {
  const path = mkdtempSync(join(tmpdir(), 'ferry-pki-'));
  return {
    path,
    write(name, data) {
      const file = join(path, name);
      writeFileSync(file, data);
      return file;
    },
    remove() {
      rmSync(path, { recursive: true, force: true });
    },
  };
}

/** Asserts that `fn` throws a FerryError with `code`, and returns it. */
export function expectFerryError(
  fn: () => unknown,
  code: FerryErrorCode,
): { code: string; details?: Record<string, unknown> } {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(isFerryError(caught), `expected FerryError ${code}, got ${String(caught)}`).toBe(true);
  expect((caught as { code: string }).code, String((caught as Error).message)).toBe(code);
  return caught as { code: string; details?: Record<string, unknown> };
}
