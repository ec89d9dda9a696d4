// The deflate level is the sender's choice: smaller or faster, every level opens the same way.
import { describe, expect, it } from 'vitest';
import { open, seal, sealStream } from '../../src/envelope/index.js';
import { isFerryError } from '../../src/errors/index.js';
import { pkiFixture } from '../helpers/pki-fixtures.js';

describe('seal compressionLevel', () => {
  const { alice, bob, trust } = pkiFixture('ec-p256');
  const rows = Array.from({ length: 2000 }, (_, i) => ({
    id: i,
    name: `某某街道办事处-${i % 97}`,
    amount: `${i}.50`,
  }));
  const base = { from: alice, to: bob.certificate, resource: '101001/000001', stream: { epoch: 1, seq: 0 } };

  it('opens to the same content at every level; level 1 is larger than 9', async () => {
    const sizes: number[] = [];
    for (const compressionLevel of [1, 6, 9]) {
      const frame = await seal({ ...base, rows, compressionLevel });
      sizes.push(frame.length);
      const opened = await open(frame, { me: bob, trust });
      expect(opened.rows).toEqual(rows);
    }
    expect(sizes[0]).toBeGreaterThan(sizes[2]!);
  });

  it('applies to streamed seals too', async () => {
    const bytes = Buffer.from(JSON.stringify(rows));
    const parts: Uint8Array[] = [];
    for await (const part of sealStream([bytes], { ...base, compressionLevel: 1 })) parts.push(part);
    const frame = Buffer.concat(parts);
    expect(Buffer.from((await open(frame, { me: bob, trust })).content).equals(bytes)).toBe(true);
  });

  it('refuses a level outside 1–9', async () => {
    for (const compressionLevel of [0, 10, 1.5]) {
      const err = await seal({ ...base, rows, compressionLevel }).catch((e: unknown) => e);
      expect(isFerryError(err, 'FERRY_INVALID_ARGUMENT')).toBe(true);
    }
  });
});
