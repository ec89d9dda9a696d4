// Certification path building and validation (RFC 5280 §6, the parts a closed platform PKI needs): signatures,
// validity periods, CA constraints, the leaf's key usage and the department code.
import { FerryError } from '../errors/index.js';
import { Certificate, issuerNameMatches, type KeyUsage } from './certificate.js';
import { OID } from './oids.js';
import { verifyToBeSigned } from './signed-data.js';
import { TrustStore } from './trust.js';

/** Options for {@link verifyCertificate}. */
export interface VerifyCertificateOptions {
  /** The trust anchors (and known intermediates). */
  trust: TrustStore;
  /** Extra intermediate CA certificates, e.g. the chain a sender attached. They are not trusted by themselves. */
  intermediates?: Certificate[];
  /** The time at which every certificate of the path must be valid. Default: now. */
  at?: Date;
  /** Key usage bit(s) the leaf must allow, all of them. */
  usage?: KeyUsage | KeyUsage[];
  /** The department code (统一社会信用代码 or 部门代码) the leaf's `organizationIdentifier` must equal. */
  departmentCode?: string;
}

// Extensions this validator understands; any other extension marked critical makes the path invalid.
const UNDERSTOOD = new Set<string>([
  OID.keyUsage,
  OID.basicConstraints,
  OID.extKeyUsage,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.subjectAltName,
]);
const MAX_PATH_LENGTH = 8;
const MAX_CANDIDATE_PATHS = 16;
// Upper bound on path-building steps: the intermediates may come from the sender, who could otherwise offer
// many same-named CA certificates and make the search explore every permutation of them.
const MAX_SEARCH_STEPS = 1000;

/**
 * Verifies that `cert` chains to a root of `options.trust` and may be used as asked. Returns the path,
 * leaf first and root last.
 *
 * Checks, for every certificate of the path: the issuer's signature (the root is trusted as configured),
 * the validity period at `options.at`, and no unknown critical extension. Every issuer must be a CA
 * (basicConstraints `cA`), allow `keyCertSign` when it has a key usage extension, and respect its path
 * length constraint. The leaf must not be a CA, must carry every `usage` bit in its key usage extension
 * (a leaf without that extension allows nothing), and must carry `departmentCode` in its subject's
 * `organizationIdentifier` when one is asked for.
 *
 * Throws a {@link FerryError}: `FERRY_CERT_UNTRUSTED` (no path to a root), `FERRY_CERT_SIGNATURE`,
 * `FERRY_CERT_EXPIRED`, `FERRY_CERT_NOT_YET_VALID`, `FERRY_CERT_USAGE`, `FERRY_CERT_SUBJECT`, or
 * `FERRY_CERT_INVALID` (unknown critical extension). When several candidate paths exist, the first one
 * that validates wins; if none does, the error of the first is thrown.
 *
 * @example
 * ```ts
 * const trust = TrustStore.fromPem(await fs.readFile('platform-ca.pem'));
 * const chain = verifyCertificate(senderCert, {
 *   trust,
 *   intermediates: attachedChain,
 *   usage: ['digitalSignature', 'nonRepudiation'],
 *   departmentCode: '11110000000000000X',
 * });
 * console.log(chain.map((c) => c.subject.commonName).join(' ← '));
 * ```
 */
export function verifyCertificate(cert: Certificate, options: VerifyCertificateOptions): Certificate[] {
  if (!(cert instanceof Certificate)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'verifyCertificate needs a Certificate');
  }
  if (!options || !(options.trust instanceof TrustStore)) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'verifyCertificate needs options.trust (a TrustStore)');
  }
  const at = options.at ?? new Date();
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
    throw new FerryError('FERRY_INVALID_ARGUMENT', 'options.at must be a valid Date');
  }
  const usage =
    options.usage === undefined ? [] : Array.isArray(options.usage) ? options.usage : [options.usage];

  const paths = buildPaths(cert, options.trust, options.intermediates ?? []);
  if (paths.length === 0) {
    throw new FerryError('FERRY_CERT_UNTRUSTED', 'The certificate does not chain to a trusted CA', {
      details: { subject: cert.subject.text, issuer: cert.issuer.text },
    });
  }
  let firstError: unknown;
  for (const path of paths) {
    try {
      checkPath(path, at, usage, options.departmentCode);
      return path;
    } catch (err) {
      firstError ??= err;
    }
  }
  throw firstError;
}

function buildPaths(leaf: Certificate, trust: TrustStore, extra: Certificate[]): Certificate[][] {
  const candidates = unique([...trust.roots, ...trust.intermediates, ...extra]);
  const paths: Certificate[][] = [];
  let steps = 0;
  const walk = (path: Certificate[]) => {
    if (paths.length >= MAX_CANDIDATE_PATHS || ++steps > MAX_SEARCH_STEPS) return;
    const current = path[path.length - 1]!;
    if (trust.isRoot(current)) {
      paths.push(path);
      return;
    }
    if (path.length > MAX_PATH_LENGTH) return;
    for (const issuer of candidates) {
      if (path.some((c) => c.fingerprint === issuer.fingerprint)) continue;
      if (!issuerNameMatches(current, issuer)) continue;
      // When both key identifiers are present they must agree: a same-named CA with another key is not the issuer.
      if (current.authorityKeyId && issuer.subjectKeyId && current.authorityKeyId !== issuer.subjectKeyId)
        continue;
      walk([...path, issuer]);
    }
  };
  walk([leaf]);
  return paths;
}

function checkPath(
  path: Certificate[],
  at: Date,
  usage: KeyUsage[],
  departmentCode: string | undefined,
): void {
  for (let i = 0; i + 1 < path.length; i++) {
    const cert = path[i]!;
    const issuer = path[i + 1]!;
    if (!verifyToBeSigned(issuer.publicKey, cert.signatureAlgorithm, cert.tbs, cert.signature)) {
      throw new FerryError('FERRY_CERT_SIGNATURE', 'A certificate signature does not verify', {
        details: { subject: cert.subject.text, depth: i },
      });
    }
  }
  path.forEach((cert, depth) => {
    const unknown = cert.extensions.find((e) => e.critical && !UNDERSTOOD.has(e.oid));
    if (unknown) {
      throw new FerryError(
        'FERRY_CERT_INVALID',
        `A certificate has an unsupported critical extension ${unknown.oid}`,
        {
          details: { subject: cert.subject.text, depth },
        },
      );
    }
    if (at.getTime() < cert.notBefore.getTime()) {
      throw new FerryError('FERRY_CERT_NOT_YET_VALID', 'A certificate of the chain is not yet valid', {
        details: { subject: cert.subject.text, depth, notBefore: cert.notBefore.toISOString() },
      });
    }
    if (at.getTime() > cert.notAfter.getTime()) {
      throw new FerryError('FERRY_CERT_EXPIRED', 'A certificate of the chain has expired', {
        details: { subject: cert.subject.text, depth, notAfter: cert.notAfter.toISOString() },
      });
    }
  });
  for (let depth = 1; depth < path.length; depth++) {
    const ca = path[depth]!;
    const details = { subject: ca.subject.text, depth };
    if (!ca.isCA) throw new FerryError('FERRY_CERT_USAGE', 'An issuer in the chain is not a CA', { details });
    const hasKeyUsage = ca.extensions.some((e) => e.oid === OID.keyUsage);
    if (hasKeyUsage && !ca.keyUsage.includes('keyCertSign')) {
      throw new FerryError(
        'FERRY_CERT_USAGE',
        'An issuer in the chain may not sign certificates (no keyCertSign)',
        {
          details,
        },
      );
    }
    // CA certificates below this one (between it and the leaf).
    if (ca.pathLength !== undefined && depth - 1 > ca.pathLength) {
      throw new FerryError(
        'FERRY_CERT_USAGE',
        'The chain is longer than an issuer allows (pathLenConstraint)',
        {
          details,
        },
      );
    }
  }
  const leaf = path[0]!;
  if (leaf.isCA) {
    throw new FerryError('FERRY_CERT_USAGE', 'A CA certificate cannot be used as an end-entity certificate', {
      details: { subject: leaf.subject.text },
    });
  }
  const missing = usage.filter((u) => !leaf.keyUsage.includes(u));
  if (missing.length > 0) {
    throw new FerryError('FERRY_CERT_USAGE', `The certificate does not allow ${missing.join(', ')}`, {
      details: { subject: leaf.subject.text, keyUsage: leaf.keyUsage, required: usage },
    });
  }
  if (departmentCode !== undefined && leaf.departmentCode !== departmentCode) {
    throw new FerryError(
      'FERRY_CERT_SUBJECT',
      'The certificate does not carry the expected department code',
      {
        details: { expected: departmentCode, actual: leaf.departmentCode ?? null },
      },
    );
  }
}

function unique(certs: Certificate[]): Certificate[] {
  return [...new Map(certs.map((c) => [c.fingerprint, c] as const)).values()];
}
