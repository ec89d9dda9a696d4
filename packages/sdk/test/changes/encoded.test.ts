// Changes that travel encoded: decoded on first read, and their bytes trusted only until then.
import { describe, expect, it } from 'vitest';
import { sameChanges } from '../../src/changes/encoded.js';
import {
  type Change,
  ChangeEncoder,
  changeCount,
  Decimal,
  decodeChanges,
  encodeChanges,
  encodedChanges,
  Timestamp,
  withEncodedChanges,
} from '../../src/changes/index.js';

const changes: Change[] = [
  {
    op: 'upsert',
    key: { id: 1n },
    row: {
      id: 1n,
      name: '张三',
      amount: new Decimal('1.50'),
      at: new Timestamp('2026-11-26T08:00:00+08:00'),
    },
  },
  { op: 'delete', key: { id: 2n } },
];

function encoded(list: readonly Change[]) {
  const encoder = new ChangeEncoder(list.length);
  for (const c of list) encoder.add(c);
  return encoder.finish();
}

describe('changes that travel encoded', () => {
  it('are decoded only when read, once, and count without decoding', () => {
    let decodes = 0;
    const chunk = withEncodedChanges({ done: true }, encoded(changes), () => decodes++);
    expect(changeCount(chunk)).toBe(2);
    expect(Buffer.from(encodedChanges(chunk)!.bytes).equals(Buffer.from(encodeChanges(changes)))).toBe(true);
    expect(decodes).toBe(0);
    expect(chunk.changes).toEqual(changes);
    expect(chunk.changes).toBe(chunk.changes);
    expect(decodes).toBe(1);
  });

  it('are not trusted as bytes once read: a reader may have changed the objects', () => {
    const chunk = withEncodedChanges({}, encoded(changes));
    chunk.changes.pop();
    expect(encodedChanges(chunk)).toBeUndefined();
    expect(changeCount(chunk)).toBe(1);
    expect(decodeChanges(encodeChanges(chunk.changes))).toEqual(changes.slice(0, 1));
  });

  it('are not carried by a spread copy, which gets the decoded changes instead', () => {
    const chunk = withEncodedChanges({ resource: 'r' }, encoded(changes));
    const copy = { ...chunk, resource: 's' };
    expect(encodedChanges(copy)).toBeUndefined();
    expect(copy.changes).toEqual(changes);
    expect(Object.keys(chunk)).toEqual(['resource', 'changes']);
  });

  it('pass from a chunk to a batch made from it without being decoded', () => {
    let decodes = 0;
    const chunk = withEncodedChanges({}, encoded(changes), () => decodes++);
    const batch = sameChanges({ resource: 'r', cursor: 'c' }, chunk);
    expect(changeCount(batch)).toBe(2);
    expect(encodedChanges(batch)).toBe(encodedChanges(chunk));
    expect(decodes).toBe(0);
    expect(batch.changes).toBe(chunk.changes);
    expect(decodes).toBe(1);
    expect(encodedChanges(batch)).toBeUndefined();
    const plain = sameChanges({ resource: 'r' }, { changes });
    expect(plain).toEqual({ resource: 'r', changes });
    expect(encodedChanges(plain)).toBeUndefined();
  });
});
