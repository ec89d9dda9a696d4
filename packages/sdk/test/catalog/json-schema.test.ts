// The JSON Schema export is draft 2020-12, matches the committed docs/catalog.schema.json, and carries the rules it can.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogEntryJsonSchema } from '../../src/catalog/index.js';

const committed = new URL('../../../../docs/catalog.schema.json', import.meta.url);

// biome-ignore lint/suspicious/noExplicitAny: the tests walk a JSON document of any shape.
type Schema = Record<string, any>;

describe('catalogEntryJsonSchema', () => {
  it('equals the committed docs/catalog.schema.json (regenerate it when the model changes)', () => {
    const onDisk = JSON.parse(readFileSync(committed, 'utf8')) as unknown;
    expect(catalogEntryJsonSchema()).toEqual(onDisk);
  });

  it('is a draft 2020-12 object schema with every required field and no others allowed', () => {
    const schema = catalogEntryJsonSchema() as Schema;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual([
      'classification',
      'code',
      'name',
      'provider',
      'providerCode',
      'summary',
      'format',
      'dataItems',
      'share',
      'open',
      'updateCycle',
      'releaseDate',
      'version',
      'secrecy',
      'level',
    ]);
    expect(schema.properties.secrecy).toMatchObject({ const: 'non-classified' });
    expect(schema.properties.dataItems.minItems).toBe(1);
    expect(new RegExp(schema.properties.code.pattern, 'u').test('101001/000001')).toBe(true);
    expect(new RegExp(schema.properties.code.pattern, 'u').test('371/000001')).toBe(false);
  });

  it('expresses the conditional rules: share condition, string length, decimal parts, key items', () => {
    const schema = catalogEntryJsonSchema() as Schema;
    const share = schema.properties.share.allOf as Schema[];
    expect(share[0]?.if).toEqual({
      properties: { type: { enum: ['conditional', 'none'] } },
      required: ['type'],
    });
    expect(share[0]?.then).toEqual({ required: ['condition'] });
    const item = schema.properties.dataItems.items.allOf as Schema[];
    expect(item[0]?.then).toEqual({ required: ['length'] });
    expect(item[1]?.then.required).toEqual(['precision', 'scale']);
    expect(schema.allOf[0].then.properties.dataItems.contains.properties.key).toEqual({ const: true });
  });

  it('returns a fresh object each time', () => {
    const a = catalogEntryJsonSchema();
    a.title = 'changed';
    expect(catalogEntryJsonSchema().title).not.toBe('changed');
  });
});
