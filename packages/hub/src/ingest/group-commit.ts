// Group commit: envelopes that are ready while a transaction runs are applied together in the next one, each in
// its own savepoint, so that a durable commit (an fsync of SQLite's WAL, a WAL flush of PostgreSQL) is paid once
// per group instead of once per envelope. A unit that fails undoes only its savepoint; a commit that fails
// fails the whole group, and nothing of it was kept. Receipts are answered only after the commit.
import type { Knex } from 'knex';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

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
    const outcomes: Outcome<unknown>[] = [];
    try {
      await this.knex.transaction(async (trx) => {
        if (group.length === 1) {
          // Alone, the unit's own failure rolls the transaction back: no savepoint needed.
          outcomes.push({ ok: true, value: await group[0]!.work(trx) });
          return;
        }
        for (const unit of group) {
          try {
            outcomes.push({ ok: true, value: await trx.transaction((savepoint) => unit.work(savepoint)) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const unit of group) unit.reject(error);
      return;
    }
    group.forEach((unit, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.error);
    });
  }
}
