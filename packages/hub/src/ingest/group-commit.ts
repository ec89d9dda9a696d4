// Group commit: envelopes that are ready while a transaction runs are applied together in the next one, so that
// a durable commit (an fsync of SQLite's WAL, a WAL flush of PostgreSQL) is paid once per group instead of once
// per envelope. Units rarely fail, so a group runs without savepoints (each costs two more statements); when a
// unit does fail, the group is rolled back and its units run again one transaction each, so that one failing
// unit never undoes another. A unit must therefore be safe to run again after a rollback (it reads what it
// needs inside the transaction). Receipts are answered only after the commit.
import type { Knex } from 'knex';

interface Unit {
  work(trx: Knex.Transaction): Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Runs units of database work in shared transactions, in the order they were submitted. */
export class GroupCommit {
  readonly #queue: Unit[] = [];
  #running = false;

  constructor(
    private readonly knex: Knex,
    /** Most units in one transaction. */
    private readonly maxGroup = 16,
  ) {}

  /** Runs `work` in a transaction shared with other units; resolves after the commit. */
  run<T>(work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#queue.length > 0) await this.#runGroup(this.#queue.splice(0, this.maxGroup));
    } finally {
      this.#running = false;
    }
  }

  async #runGroup(group: Unit[]): Promise<void> {
    if (group.length > 1) {
      const values: unknown[] = [];
      try {
        await this.knex.transaction(async (trx) => {
          for (const unit of group) values.push(await unit.work(trx));
        });
        for (let i = 0; i < group.length; i++) group[i]!.resolve(values[i]);
        return;
      } catch {
        // Someone in the group failed, or the commit did: nothing was kept; each unit runs alone below.
      }
    }
    for (const unit of group) {
      try {
        unit.resolve(await this.knex.transaction((trx) => unit.work(trx)));
      } catch (error) {
        unit.reject(error);
      }
    }
  }
}
