// Published resources (已发布的信息资源): where each one's shared rows live, its key items, share type and the
// position its change log has reached.
import type { DataItemType, ShareType } from '@ferry/sdk';
import type { Knex } from 'knex';
import type { ResourceTableShape } from './dialects/index.js';
import type { StreamState } from './streams.js';
import { nowIso, toInt } from './values.js';

/** A key item of a resource, as its table stores it. */
export interface KeyItem {
  /** The data item's name (信息项名称). */
  name: string;
  dataType: DataItemType;
  /** Column in the resource table holding the canonical text of this key value. */
  column: string;
}

/** A resource that has (or had) a published catalog version. */
export interface ResourceRow {
  id: number;
  code: string;
  providerCode: string;
  /** The version readers get; undefined once the published version was withdrawn. */
  publishedVersion: number | undefined;
  shareType: ShareType;
  keyItems: KeyItem[];
  table: string;
  logPosition: number;
}

/** Reads and writes resources and creates their tables. */
export class ResourceStore {
  constructor(
    private readonly knex: Knex,
    private readonly kind: 'sqlite' | 'postgres',
  ) {}

  /** The resource, or undefined when it was never published. */
  async get(code: string, db: Knex = this.knex): Promise<ResourceRow | undefined> {
    const row = await db('resources').where({ code }).first();
    return row ? fromRow(row) : undefined;
  }

  /**
   * The resource, locked until the transaction ends (PostgreSQL `FOR UPDATE`; SQLite's single writer
   * serialises transactions already), with the position of `sender`'s stream of it, in one query. Ingest
   * holds this lock so that log positions are assigned in commit order.
   */
  async lockForIngest(
    trx: Knex.Transaction,
    code: string,
    sender: string,
  ): Promise<{ resource: ResourceRow; stream: StreamState | undefined } | undefined> {
    const query = trx('resources')
      .leftJoin('streams', (join) => {
        join
          .on('streams.resource', '=', 'resources.code')
          .andOn('streams.sender', '=', trx.raw('?', [sender]));
      })
      .where('resources.code', code)
      .select('resources.*', 'streams.epoch as stream_epoch', 'streams.next_seq as stream_next_seq');
    const row = await (this.kind === 'postgres' ? query.forUpdate('resources') : query).first();
    if (!row) return undefined;
    const stream =
      row.stream_epoch === null || row.stream_epoch === undefined
        ? undefined
        : { epoch: toInt(row.stream_epoch), nextSeq: toInt(row.stream_next_seq) };
    return { resource: fromRow(row), stream };
  }

  /** Records a newly published resource and creates its table, in `trx`. */
  async create(
    trx: Knex.Transaction,
    values: {
      code: string;
      providerCode: string;
      version: number;
      shareType: ShareType;
      keyItems: { name: string; dataType: DataItemType }[];
    },
  ): Promise<ResourceRow> {
    const now = nowIso();
    const keyItems: KeyItem[] = values.keyItems.map((item, i) => ({ ...item, column: `k_${i}` }));
    const inserted = await trx('resources')
      .insert({
        code: values.code,
        provider_code: values.providerCode,
        published_version: values.version,
        share_type: values.shareType,
        key_items: JSON.stringify(keyItems),
        table_name: 'pending',
        log_position: 0,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const first = inserted[0] as { id: number } | number;
    const id = typeof first === 'object' ? toInt(first.id) : toInt(first);
    const table = `resource_${id}`;
    await trx('resources').where({ id }).update({ table_name: table });
    await createResourceTable(trx, { table, keyColumns: keyItems.map((k) => k.column) });
    return {
      id,
      code: values.code,
      providerCode: values.providerCode,
      publishedVersion: values.version,
      shareType: values.shareType,
      keyItems,
      table,
      logPosition: 0,
    };
  }

  /** Points the resource at another published version (or none) and its share type. */
  async setPublished(
    trx: Knex,
    code: string,
    version: number | undefined,
    shareType?: ShareType,
  ): Promise<void> {
    await trx('resources')
      .where({ code })
      .update({
        published_version: version ?? null,
        ...(shareType ? { share_type: shareType } : {}),
        updated_at: nowIso(),
      });
  }

  /** Moves the change-log position of a resource forward (inside the ingest transaction). */
  async setLogPosition(trx: Knex, id: number, position: number): Promise<void> {
    await trx('resources').where({ id }).update({ log_position: position });
  }
}

/**
 * Creates a resource table: one row per (sender, key), the key values as canonical text, the row as encoded
 * JSON text, and the stream position that last wrote it.
 */
export async function createResourceTable(db: Knex, shape: ResourceTableShape): Promise<void> {
  await db.schema.createTable(shape.table, (t) => {
    t.string('sender', 64).notNullable();
    for (const column of shape.keyColumns) t.text(column).notNullable();
    t.text('row').notNullable();
    t.bigInteger('epoch').notNullable();
    t.bigInteger('seq').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.primary(['sender', ...shape.keyColumns]);
  });
}

function fromRow(row: Record<string, unknown>): ResourceRow {
  return {
    id: toInt(row.id),
    code: String(row.code),
    providerCode: String(row.provider_code),
    publishedVersion:
      row.published_version === null || row.published_version === undefined
        ? undefined
        : toInt(row.published_version),
    shareType: row.share_type as ShareType,
    keyItems: JSON.parse(String(row.key_items)) as KeyItem[],
    table: String(row.table_name),
    logPosition: toInt(row.log_position),
  };
}
