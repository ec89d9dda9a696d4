// Departments (部门) and their registered certificates: who may send envelopes and sign requests, and which
// certificate to encrypt to when the hub sends them data.
import { Certificate, type KeyAlgorithm } from '@ferry/sdk';
import type { Knex } from 'knex';
import { nowIso, toIso } from './values.js';

/** A registered certificate of a department. */
export interface CertificateRecord {
  fingerprint: string;
  pem: string;
  algorithm: KeyAlgorithm;
  /** Key usage allows digitalSignature: the certificate can sign envelopes and requests. */
  canSign: boolean;
  /** Key usage allows keyEncipherment or keyAgreement: content keys can be wrapped to it. */
  canEncrypt: boolean;
  notAfter: string;
}

/** A registered department. */
export interface DepartmentRecord {
  code: string;
  name: string;
  certificates: CertificateRecord[];
  createdAt: string;
  updatedAt: string;
}

const MAX_CACHED_CERTIFICATES = 10_000;

/** Reads and writes departments and their certificates. */
export class DepartmentStore {
  // Parsed certificates by fingerprint: a fingerprint names exactly one certificate, so entries never go stale.
  readonly #parsed = new Map<string, Certificate>();
  // (department, fingerprint) pairs found registered. Registrations are only ever added, so a positive answer
  // stays true and saves a query on every envelope and request; a negative one is always asked again.
  readonly #registered = new Set<string>();

  constructor(private readonly knex: Knex) {}

  /**
   * Creates the department or updates its name, and registers certificates not registered yet (a
   * certificate is never removed here: envelopes signed with it may still be in outboxes).
   */
  async upsert(
    code: string,
    name: string,
    certificates: readonly Certificate[],
    db: Knex = this.knex,
  ): Promise<{ created: boolean }> {
    const now = nowIso();
    const existing = await db('departments').where({ code }).first();
    if (existing) await db('departments').where({ code }).update({ name, updated_at: now });
    else await db('departments').insert({ code, name, created_at: now, updated_at: now });
    for (const cert of certificates) {
      const known = await db('department_certificates')
        .where({ fingerprint: cert.fingerprint })
        .first('fingerprint');
      if (known) continue;
      await db('department_certificates').insert({
        fingerprint: cert.fingerprint,
        department_code: code,
        pem: cert.toPem(),
        algorithm: cert.publicKey.algorithm,
        can_sign: cert.keyUsage.includes('digitalSignature'),
        can_encrypt: cert.keyUsage.includes('keyEncipherment') || cert.keyUsage.includes('keyAgreement'),
        not_after: cert.notAfter.toISOString(),
        created_at: now,
      });
    }
    return { created: !existing };
  }

  /** The department with its certificates, or undefined. */
  async get(code: string): Promise<DepartmentRecord | undefined> {
    const row = await this.knex('departments').where({ code }).first();
    if (!row) return undefined;
    const certs = await this.knex('department_certificates')
      .where({ department_code: code })
      .orderBy('created_at');
    return {
      code: row.code,
      name: row.name,
      certificates: certs.map((c) => ({
        fingerprint: c.fingerprint,
        pem: c.pem,
        algorithm: c.algorithm,
        canSign: Boolean(c.can_sign),
        canEncrypt: Boolean(c.can_encrypt),
        notAfter: toIso(c.not_after),
      })),
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
    };
  }

  /** True when the department is registered. */
  async exists(code: string): Promise<boolean> {
    return (await this.knex('departments').where({ code }).first('code')) !== undefined;
  }

  /** The certificate registered for `code` with this fingerprint, or undefined. */
  async certificate(code: string, fingerprint: string): Promise<Certificate | undefined> {
    const pair = `${code}\n${fingerprint}`;
    const known = this.#registered.has(pair) ? this.#parsed.get(fingerprint) : undefined;
    if (known) return known;
    const row = await this.knex('department_certificates')
      .where({ fingerprint, department_code: code })
      .first('pem', 'fingerprint');
    if (!row) return undefined;
    if (this.#registered.size >= MAX_CACHED_CERTIFICATES) this.#registered.clear();
    this.#registered.add(pair);
    return this.#parse(row.fingerprint, row.pem);
  }

  /**
   * The certificate to encrypt to for `code`: registered for key transport, of one of `algorithms`, valid at
   * `at`; the one valid longest when there are several.
   */
  async encryptionCertificate(
    code: string,
    algorithms: readonly KeyAlgorithm[],
    at: Date,
  ): Promise<Certificate | undefined> {
    const rows = await this.knex('department_certificates')
      .where({ department_code: code })
      .whereIn('algorithm', [...algorithms])
      .orderBy('not_after', 'desc');
    for (const row of rows) {
      if (!row.can_encrypt) continue;
      const cert = this.#parse(row.fingerprint, row.pem);
      if (cert.notBefore.getTime() <= at.getTime() && at.getTime() <= cert.notAfter.getTime()) return cert;
    }
    return undefined;
  }

  #parse(fingerprint: string, pem: string): Certificate {
    let cert = this.#parsed.get(fingerprint);
    if (!cert) {
      if (this.#parsed.size >= MAX_CACHED_CERTIFICATES) this.#parsed.clear();
      cert = Certificate.parse(pem);
      this.#parsed.set(fingerprint, cert);
    }
    return cert;
  }
}
