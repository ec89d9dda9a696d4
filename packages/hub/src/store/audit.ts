// The audit log (审计日志): who did what to which resource, at which stream position or cursor, how many rows.
import type { Knex } from 'knex';
import { nowIso, toInt, toIso } from './values.js';

/** What an audit entry records. */
export type AuditAction =
  | 'ingest'
  | 'pull'
  | 'catalog.submit'
  | 'catalog.review'
  | 'catalog.publish'
  | 'catalog.withdraw'
  | 'application.create'
  | 'application.review'
  | 'department.register';

/** How it ended: `duplicate` is a retried or repeated envelope answered with its stored receipt. */
export type AuditOutcome = 'ok' | 'duplicate' | 'rejected';

/** An audit entry to write. */
export interface AuditEntry {
  actor: string;
  action: AuditAction;
  outcome: AuditOutcome;
  resource?: string;
  envelopeId?: string;
  epoch?: number;
  seq?: number;
  cursorFrom?: string;
  cursorTo?: string;
  rows?: number;
  details?: Record<string, unknown>;
}

/** An audit entry as the API returns it. */
export interface AuditRecord extends AuditEntry {
  id: number;
  at: string;
}

/** Appends to and reads the audit log. */
export class AuditStore {
  constructor(private readonly knex: Knex) {}

  /** Appends an entry (inside `db`'s transaction when given one). */
  async write(entry: AuditEntry, db: Knex = this.knex, at: string = nowIso()): Promise<void> {
    await db('audit_log').insert({
      at,
      actor: entry.actor,
      action: entry.action,
      outcome: entry.outcome,
      resource: entry.resource ?? null,
      envelope_id: entry.envelopeId ?? null,
      epoch: entry.epoch ?? null,
      seq: entry.seq ?? null,
      cursor_from: entry.cursorFrom ?? null,
      cursor_to: entry.cursorTo ?? null,
      rows: entry.rows ?? null,
      details: entry.details ? JSON.stringify(entry.details) : null,
    });
  }

  /** Newest entries first, optionally by actor and resource, before entry id `before` (for paging). */
  async list(filter: {
    actor?: string;
    resource?: string;
    limit: number;
    before?: number;
  }): Promise<AuditRecord[]> {
    const query = this.knex('audit_log').orderBy('id', 'desc').limit(filter.limit);
    if (filter.actor) query.where('actor', filter.actor);
    if (filter.resource) query.where('resource', filter.resource);
    if (filter.before !== undefined) query.where('id', '<', filter.before);
    const rows = await query;
    return rows.map((r) => ({
      id: toInt(r.id),
      at: toIso(r.at),
      actor: r.actor,
      action: r.action,
      outcome: r.outcome,
      ...(r.resource === null ? {} : { resource: r.resource }),
      ...(r.envelope_id === null ? {} : { envelopeId: r.envelope_id }),
      ...(r.epoch === null ? {} : { epoch: toInt(r.epoch) }),
      ...(r.seq === null ? {} : { seq: toInt(r.seq) }),
      ...(r.cursor_from === null ? {} : { cursorFrom: r.cursor_from }),
      ...(r.cursor_to === null ? {} : { cursorTo: r.cursor_to }),
      ...(r.rows === null ? {} : { rows: toInt(r.rows) }),
      ...(r.details === null ? {} : { details: JSON.parse(r.details) }),
    }));
  }
}
