// Request nonces in the database, so that several hub processes refuse a replayed request together.
import type { NonceStore } from '@ferry/sdk';
import type { Knex } from 'knex';

const SWEEP_EVERY = 1000;

/** A {@link NonceStore} over the `request_nonces` table: the primary key makes check-and-record atomic. */
export class DatabaseNonceStore implements NonceStore {
  #claims = 0;

  constructor(
    private readonly knex: Knex,
    private readonly clock: () => number = Date.now,
  ) {}

  async claim(departmentCode: string, nonce: string, expiresAt: number): Promise<boolean> {
    if (++this.#claims % SWEEP_EVERY === 0) await this.sweep();
    const inserted = await this.knex('request_nonces')
      .insert({ department_code: departmentCode, nonce, expires_at: expiresAt })
      .onConflict(['department_code', 'nonce'])
      .ignore()
      .returning('nonce');
    return inserted.length === 1;
  }

  /** Deletes expired nonces. */
  async sweep(): Promise<void> {
    await this.knex('request_nonces').where('expires_at', '<', this.clock()).delete();
  }
}
