// The set of platform CA certificates a party trusts, plus intermediates that help build paths to them.
import { FerryError } from '../errors/index.js';
import { Certificate, isSelfIssued, loadCertificates } from './certificate.js';
import type { PemInput } from './pem.js';

// Per store, a counter bumped whenever its certificates change; kept off the class so that it is not public API.
const REVISIONS = new WeakMap<TrustStore, number>();

/**
 * Trust anchors (roots) and known intermediate CA certificates. Only a root ends a certification path;
 * an intermediate is just a candidate issuer and must itself chain to a root.
 *
 * @example
 * ```ts
 * const trust = new TrustStore([platformRoot], [platformIssuingCa]);
 * const chain = verifyCertificate(senderCert, { trust, usage: 'digitalSignature' });
 * ```
 */
export class TrustStore {
  readonly #roots: Certificate[] = [];
  readonly #intermediates: Certificate[] = [];

  /**
   * @param roots trust anchors, at least one (an explicitly trusted certificate need not be self-signed)
   * @param intermediates CA certificates that may appear between a root and a leaf
   */
  constructor(roots: Certificate[], intermediates: Certificate[] = []) {
    if (!Array.isArray(roots) || roots.length === 0 || !roots.every((c) => c instanceof Certificate)) {
      throw new FerryError('FERRY_INVALID_ARGUMENT', 'A TrustStore needs at least one root Certificate');
    }
    for (const root of roots) addUnique(this.#roots, root);
    this.addIntermediates(intermediates);
  }

  /**
   * Reads a PEM bundle: its self-issued certificates become roots, the others intermediates (as `openssl
   * verify -CAfile` treats a bundle). Throws `FERRY_INVALID_ARGUMENT` when the bundle has no root.
   *
   * @example
   * ```ts
   * const trust = TrustStore.fromPem(await fs.readFile('platform-ca.pem'));
   * ```
   */
  static fromPem(pem: PemInput): TrustStore {
    const certs = loadCertificates(pem);
    const roots = certs.filter((c) => isSelfIssued(c));
    if (roots.length === 0) {
      throw new FerryError(
        'FERRY_INVALID_ARGUMENT',
        'The PEM bundle contains no self-issued root certificate',
      );
    }
    return new TrustStore(
      roots,
      certs.filter((c) => !roots.includes(c)),
    );
  }

  /** The trust anchors. */
  get roots(): readonly Certificate[] {
    return this.#roots;
  }

  /** Intermediate CA certificates known to this store. */
  get intermediates(): readonly Certificate[] {
    return this.#intermediates;
  }

  /**
   * Adds intermediate CA certificates (duplicates are ignored). They are not trusted by being added.
   *
   * @example
   * ```ts
   * trust.addIntermediates(loadCertificates(await fs.readFile('issuing-cas.pem')));
   * ```
   */
  addIntermediates(certs: Certificate[]): void {
    if (!Array.isArray(certs) || !certs.every((c) => c instanceof Certificate)) {
      throw new FerryError('FERRY_INVALID_ARGUMENT', 'Intermediates must be Certificate objects');
    }
    let added = false;
    for (const cert of certs) added = addUnique(this.#intermediates, cert) || added;
    if (added) REVISIONS.set(this, trustStoreRevision(this) + 1);
  }

  /** True when this exact certificate is one of the roots. */
  isRoot(cert: Certificate): boolean {
    return this.#roots.some((r) => r.fingerprint === cert.fingerprint);
  }
}

function addUnique(list: Certificate[], cert: Certificate): boolean {
  if (list.some((c) => c.fingerprint === cert.fingerprint)) return false;
  list.push(cert);
  return true;
}

/**
 * @internal A number that changes whenever certificates are added to `store`. Caches of verification results
 * keyed by a store (the envelope sender-chain cache) compare it to tell that their entries are stale.
 */
export function trustStoreRevision(store: TrustStore): number {
  return REVISIONS.get(store) ?? 0;
}
