// Changes that travel in their wire form: a source that encodes its rows as it reads them hands the runner
// and the sink the NDJSON bytes, and the change objects exist only if someone asks for them. A batch of ten
// thousand rows as objects is several megabytes that stay alive while the batch is sealed and stored; V8
// promotes them to the old generation, whose size then grows with the table until a full collection. As bytes
// they are one buffer, and each row's objects die young.
import type { Change } from './change.js';
import { changesWriter, decodeChanges, encodeChangeInto, finishChanges } from './codec.js';
import type { JsonWriter } from './json-writer.js';

/** Changes in their NDJSON wire form (exactly the bytes `encodeChanges` writes for them), and how many. */
export interface EncodedChanges {
  readonly bytes: Uint8Array;
  readonly count: number;
}

/**
 * Where a chunk or batch carries its encoded changes. A registered symbol, so that two copies of the SDK in
 * one process (its entry points are bundled separately) agree on it.
 */
const ENCODED: unique symbol = Symbol.for('@ferry/sdk/changes.encoded') as never;

interface EncodedState extends EncodedChanges {
  /** True once `changes` was read: from then on the objects, which a reader may have changed, are the truth. */
  decoded: boolean;
}

type Carrier = { [ENCODED]?: EncodedState };

/**
 * Encodes changes one at a time, as they are read, into the bytes `encodeChanges` would write for all of
 * them. A change that cannot be encoded fails with the same `FERRY_INVALID_ARGUMENT` as `encodeChanges`.
 */
export class ChangeEncoder {
  private readonly writer: JsonWriter;
  private n = 0;

  /** `expected`: about how many changes will be added (sizes the first buffer). */
  constructor(expected = 0) {
    this.writer = changesWriter(expected);
  }

  add(change: Change): void {
    encodeChangeInto(this.writer, change, this.n);
    this.n++;
  }

  /**
   * Adds one upsert that `source` writes itself as one NDJSON line, exactly the bytes {@link add} would write
   * for it (the SQL framework's rows read as text: `TextRowWriter`).
   * @internal
   */
  addWritten<R>(source: { writeUpsert(w: JsonWriter, row: R, index: number): void }, row: R): void {
    source.writeUpsert(this.writer, row, this.n);
    this.n++;
  }

  get count(): number {
    return this.n;
  }

  /** The bytes so far and their count. The encoder is not used afterwards. */
  finish(): EncodedChanges {
    return { bytes: finishChanges(this.writer, this.n), count: this.n };
  }
}

/**
 * Gives `target` a `changes` property decoded from `encoded` on first read (then kept), and records the
 * encoded form where {@link encodedChanges} finds it. `onDecode` is called at that first read. The encoded
 * form is not enumerable: a copy made with spread syntax carries the decoded changes, not a form that could
 * disagree with changes the copier replaced.
 */
export function withEncodedChanges<T extends object>(
  target: T,
  encoded: EncodedChanges,
  onDecode?: () => void,
): T & { readonly changes: Change[] } {
  const state: EncodedState = { bytes: encoded.bytes, count: encoded.count, decoded: false };
  let changes: Change[] | undefined;
  Object.defineProperty(target, 'changes', {
    enumerable: true,
    configurable: true,
    get() {
      if (!changes) {
        changes = decodeChanges(state.bytes);
        state.decoded = true;
        onDecode?.();
      }
      return changes;
    },
  });
  Object.defineProperty(target, ENCODED, { value: state, enumerable: false });
  return target as T & { readonly changes: Change[] };
}

/**
 * Like {@link withEncodedChanges}, for an object made from `source` (a batch made from a chunk): its
 * `changes` are `source`'s, read only when asked for, and it carries the same encoded form. Without an
 * encoded form on `source`, `changes` is copied as a plain property.
 */
export function sameChanges<T extends object>(
  target: T,
  source: { readonly changes: readonly Change[] },
): T & { readonly changes: readonly Change[] } {
  const state = (source as Carrier)[ENCODED];
  if (!state) return Object.assign(target, { changes: source.changes });
  Object.defineProperty(target, 'changes', {
    enumerable: true,
    configurable: true,
    get: () => source.changes,
  });
  Object.defineProperty(target, ENCODED, { value: state, enumerable: false });
  return target as T & { readonly changes: readonly Change[] };
}

/**
 * The encoded form of a chunk's or batch's changes, when it carries one and its `changes` were never read
 * (a reader may have changed them); otherwise undefined, and the caller encodes `changes`.
 */
export function encodedChanges(carrier: object): EncodedChanges | undefined {
  const state = (carrier as Carrier)[ENCODED];
  return state && !state.decoded ? state : undefined;
}

/** How many changes a chunk or batch holds, without decoding changes that travel encoded. */
export function changeCount(carrier: { readonly changes: readonly Change[] }): number {
  const state = (carrier as Carrier)[ENCODED];
  return state && !state.decoded ? state.count : carrier.changes.length;
}
