// Data-sharing applications (共享申请): a consumer asks for a conditionally shared resource; a reviewer decides.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { nowIso, toIso } from './values.js';

/** Status of an application. */
export type ApplicationStatus = 'pending' | 'approved' | 'rejected';

/** An application as the API returns it. */
export interface Application {
  id: string;
  /** The applying department (使用方). */
  consumer: string;
  /** Resource code applied for. */
  resource: string;
  /** 用途: what the data will be used for. */
  purpose: string;
  /** 依据: the legal or policy basis of the request. */
  basis: string;
  status: ApplicationStatus;
  createdAt: string;
  reviewer?: string;
  comment?: string;
  decidedAt?: string;
}

/** Reads and writes applications. */
export class ApplicationStore {
  constructor(private readonly knex: Knex) {}

  /** Creates a pending application. */
  async create(
    values: { consumer: string; resource: string; purpose: string; basis: string },
    db: Knex = this.knex,
  ): Promise<Application> {
    const row = { id: randomUUID(), ...values, status: 'pending', created_at: nowIso() };
    await db('applications').insert(row);
    return fromRow(row);
  }

  async get(id: string, db: Knex = this.knex): Promise<Application | undefined> {
    const row = await db('applications').where({ id }).first();
    return row ? fromRow(row) : undefined;
  }

  /** Applications of `consumer` for `resource`, newest first. */
  async forConsumer(consumer: string, resource: string, db: Knex = this.knex): Promise<Application[]> {
    const rows = await db('applications').where({ consumer, resource }).orderBy('created_at', 'desc');
    return rows.map(fromRow);
  }

  /** True when `consumer` holds an approved application for `resource`. */
  async isApproved(consumer: string, resource: string): Promise<boolean> {
    const row = await this.knex('applications').where({ consumer, resource, status: 'approved' }).first('id');
    return row !== undefined;
  }

  /** Records a decision on a pending application. */
  async decide(
    id: string,
    decision: { status: 'approved' | 'rejected'; reviewer: string; comment: string | undefined },
    db: Knex = this.knex,
  ): Promise<void> {
    await db('applications')
      .where({ id, status: 'pending' })
      .update({
        status: decision.status,
        reviewer: decision.reviewer,
        comment: decision.comment ?? null,
        decided_at: nowIso(),
      });
  }

  /** Applications matching the filter, newest first. `visibleTo` limits them to a department's own and those for its resources. */
  async list(filter: {
    status?: ApplicationStatus;
    visibleTo?: { department: string; resources: readonly string[] };
  }): Promise<Application[]> {
    const query = this.knex('applications').orderBy('created_at', 'desc').limit(1000);
    if (filter.status) query.where({ status: filter.status });
    const visible = filter.visibleTo;
    if (visible) {
      query.where((q) => {
        q.where('consumer', visible.department);
        if (visible.resources.length > 0) q.orWhereIn('resource', [...visible.resources]);
      });
    }
    return (await query).map(fromRow);
  }
}

function fromRow(row: Record<string, unknown>): Application {
  return {
    id: String(row.id),
    consumer: String(row.consumer),
    resource: String(row.resource),
    purpose: String(row.purpose),
    basis: String(row.basis),
    status: row.status as ApplicationStatus,
    createdAt: toIso(row.created_at),
    ...(row.reviewer ? { reviewer: String(row.reviewer) } : {}),
    ...(row.comment ? { comment: String(row.comment) } : {}),
    ...(row.decided_at ? { decidedAt: toIso(row.decided_at) } : {}),
  };
}
