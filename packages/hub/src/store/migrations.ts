// Schema migrations, kept in code (not files on disk) so that the built package carries them and a bundler
// cannot lose them. Never edit a released migration: add the next one.
import type { Knex } from 'knex';

interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

const initial: Migration = {
  name: '0001_initial',
  async up(knex) {
    await knex.schema.createTable('departments', (t) => {
      t.string('code', 64).primary();
      t.text('name').notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
    });
    await knex.schema.createTable('department_certificates', (t) => {
      t.string('fingerprint', 64).primary();
      t.string('department_code', 64).notNullable().references('code').inTable('departments');
      t.text('pem').notNullable();
      t.string('algorithm', 16).notNullable();
      t.boolean('can_sign').notNullable();
      t.boolean('can_encrypt').notNullable();
      t.timestamp('not_after', { useTz: true }).notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.index(['department_code']);
    });
    await knex.schema.createTable('catalog_versions', (t) => {
      t.string('code', 64).notNullable();
      t.integer('version').notNullable();
      t.string('provider_code', 64).notNullable();
      t.string('status', 16).notNullable();
      t.text('entry').notNullable();
      t.string('content_hash', 64).notNullable();
      t.text('review_comment');
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
      t.primary(['code', 'version']);
      t.index(['provider_code']);
    });
    // One row per resource that was ever published: where its shared data lives and how far its change log is.
    await knex.schema.createTable('resources', (t) => {
      t.increments('id');
      t.string('code', 64).notNullable().unique();
      t.string('provider_code', 64).notNullable();
      t.integer('published_version');
      t.string('share_type', 16).notNullable();
      t.text('key_items').notNullable();
      t.string('table_name', 64).notNullable();
      t.bigInteger('log_position').notNullable().defaultTo(0);
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
    });
    await knex.schema.createTable('streams', (t) => {
      t.string('sender', 64).notNullable();
      t.string('resource', 64).notNullable();
      t.bigInteger('epoch').notNullable();
      t.bigInteger('next_seq').notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
      t.primary(['sender', 'resource']);
    });
    // Every applied envelope and its signed receipt: answers retries by id and repeats by stream position.
    await knex.schema.createTable('envelopes', (t) => {
      t.string('id', 32).primary();
      t.string('sender', 64).notNullable();
      t.string('resource', 64).notNullable();
      t.bigInteger('epoch').notNullable();
      t.bigInteger('seq').notNullable();
      t.integer('rows').notNullable();
      t.text('receipt').notNullable();
      t.timestamp('received_at', { useTz: true }).notNullable();
      t.unique(['sender', 'resource', 'epoch', 'seq']);
    });
    // The change log, one row per applied batch: its NDJSON content exactly as applied (deflated), and the log
    // positions of its first and last change. Consumers pull positions after their cursor.
    await knex.schema.createTable('change_batches', (t) => {
      t.integer('resource_id').notNullable().references('id').inTable('resources');
      t.bigInteger('last_position').notNullable();
      t.bigInteger('first_position').notNullable();
      t.string('sender', 64).notNullable();
      t.bigInteger('epoch').notNullable();
      t.bigInteger('seq').notNullable();
      t.string('envelope_id', 32).notNullable();
      // Raw DEFLATE (RFC 1951) of the NDJSON.
      t.binary('content').notNullable();
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.primary(['resource_id', 'last_position']);
    });
    await knex.schema.createTable('applications', (t) => {
      t.string('id', 36).primary();
      t.string('consumer', 64).notNullable();
      t.string('resource', 64).notNullable();
      t.text('purpose').notNullable();
      t.text('basis').notNullable();
      t.string('status', 16).notNullable();
      t.string('reviewer', 64);
      t.text('comment');
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('decided_at', { useTz: true });
      t.index(['consumer', 'resource']);
    });
    await knex.schema.createTable('audit_log', (t) => {
      t.bigIncrements('id');
      t.timestamp('at', { useTz: true }).notNullable();
      t.string('actor', 64).notNullable();
      t.string('action', 32).notNullable();
      t.string('outcome', 16).notNullable();
      t.string('resource', 64);
      t.string('envelope_id', 32);
      t.bigInteger('epoch');
      t.bigInteger('seq');
      t.string('cursor_from', 32);
      t.string('cursor_to', 32);
      t.integer('rows');
      t.text('details');
      t.index(['actor', 'id']);
      t.index(['resource', 'id']);
    });
    await knex.schema.createTable('request_nonces', (t) => {
      t.string('department_code', 64).notNullable();
      t.string('nonce', 32).notNullable();
      t.bigInteger('expires_at').notNullable();
      t.primary(['department_code', 'nonce']);
      t.index(['expires_at']);
    });
  },
  async down(knex) {
    for (const table of [
      'request_nonces',
      'audit_log',
      'applications',
      'change_batches',
      'envelopes',
      'streams',
      'resources',
      'catalog_versions',
      'department_certificates',
      'departments',
    ]) {
      await knex.schema.dropTableIfExists(table);
    }
  },
};

const MIGRATIONS: readonly Migration[] = [initial];

/** knex migration source over {@link MIGRATIONS}. */
export const migrationSource: Knex.MigrationSource<Migration> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => ({ up: migration.up, down: migration.down }),
};
