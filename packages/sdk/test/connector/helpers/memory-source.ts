// A Source over an in-memory table with a change log, to test the runner without a database.
import {
  type CaptureTable,
  type ChangeRead,
  createCheckpointCodec,
  type Position,
  type SnapshotChunk,
  type Source,
  type SourceTable,
} from '../../../src/connector/index.js';
import { type Change, FerryError } from '../../../src/index.js';

export class MemorySource implements Source {
  readonly name = 'memory';
  readonly rows = new Map<number, { id: number; v: string; extra?: string }>();
  readonly log: { op: 'U' | 'D'; id: number }[] = [];
  /** Log entries below this were purged: a position behind it is expired. */
  purgedThrough = 0;
  /** Reads to fail with a transient error before succeeding. */
  failReads = 0;
  columns = ['id', 'v'];
  snapshotCalls = 0;
  readonly checkpoint = createCheckpointCodec((_s, p) => {
    if (typeof p.seq !== 'number') throw new TypeError('no seq');
    return p;
  });

  insert(id: number, v = `v${id}`): void {
    this.rows.set(id, { id, v });
    this.log.push({ op: 'U', id });
  }
  update(id: number, v: string): void {
    this.rows.set(id, { id, v });
    this.log.push({ op: 'U', id });
  }
  delete(id: number): void {
    this.rows.delete(id);
    this.log.push({ op: 'D', id });
  }

  async discover(): Promise<SourceTable[]> {
    return [
      {
        name: 't',
        columns: this.columns.map((name) => ({
          name,
          type: name === 'id' ? 'int' : 'text',
          nativeType: 'x',
          nullable: name !== 'id',
          primaryKey: name === 'id',
        })),
        primaryKey: ['id'],
      },
    ];
  }
  async preflight() {
    return [{ check: 'connect', ok: true, message: 'memory' }];
  }
  async watermark(): Promise<Position> {
    return { seq: this.log.length };
  }
  private row(id: number) {
    const r = this.rows.get(id)!;
    return Object.fromEntries(
      this.columns.map((c) => [c, (r as Record<string, unknown>)[c] ?? null]),
    ) as Record<string, string | number | null>;
  }
  async *snapshot(
    _t: CaptureTable,
    o: { chunkSize: number; afterKey?: Record<string, unknown>; position: Position },
  ): AsyncGenerator<SnapshotChunk> {
    this.snapshotCalls++;
    let after = (o.afterKey?.id as number | undefined) ?? Number.NEGATIVE_INFINITY;
    for (;;) {
      this.maybeFail();
      const ids = [...this.rows.keys()]
        .filter((id) => id > after)
        .sort((a, b) => a - b)
        .slice(0, o.chunkSize);
      const changes: Change[] = ids.map((id) => ({ op: 'upsert', key: { id }, row: this.row(id) }));
      const done = ids.length < o.chunkSize;
      const last = ids[ids.length - 1];
      yield {
        changes,
        ...(last === undefined ? {} : { lastKey: { id: last } }),
        position: o.position,
        done,
        columns: [...this.columns],
      };
      if (done) return;
      after = last!;
    }
  }
  async changes(_t: CaptureTable, position: Position, { limit }: { limit: number }): Promise<ChangeRead> {
    this.maybeFail();
    const seq = position.seq as number;
    if (seq < this.purgedThrough) throw new FerryError('FERRY_CURSOR_EXPIRED', 'purged');
    const entries = this.log.slice(seq, seq + limit);
    const changes: Change[] = entries.map((e) =>
      e.op === 'U' && this.rows.has(e.id)
        ? { op: 'upsert', key: { id: e.id }, row: this.row(e.id) }
        : { op: 'delete', key: { id: e.id } },
    );
    return {
      changes,
      position: { seq: seq + entries.length },
      more: entries.length === limit,
      columns: [...this.columns],
    };
  }
  private maybeFail(): void {
    if (this.failReads > 0) {
      this.failReads--;
      throw new Error('connection reset');
    }
  }
}
