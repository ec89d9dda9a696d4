// The examples in docs/catalog.md are real: the JSON entry validates and is the entry the tests use.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCatalogEntry, validateCatalogEntry } from '../../src/catalog/index.js';
import { edited, populationEntry } from './fixtures.js';

const doc = readFileSync(new URL('../../../../docs/catalog.md', import.meta.url), 'utf8');

describe('docs/catalog.md', () => {
  it('shows a valid example entry in JSON, the same as the fixture', () => {
    const example = doc.slice(doc.indexOf('## Example'));
    const block = /```json\n([\s\S]*?)\n```/.exec(example)?.[1];
    expect(block).toBeDefined();
    const entry = JSON.parse(block ?? '');
    expect(validateCatalogEntry(entry)).toEqual(populationEntry());
    expect(entry.dataItems).toHaveLength(4);
    expect(entry.classification).toEqual({ category: 'basic', subclass: '01', group: '001' });
  });

  it('quotes the validator messages as they are', () => {
    const result = checkCatalogEntry(
      edited((e) => {
        delete e.dataItems[1].length;
        e.share = { type: 'none' };
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    for (const issue of result.issues) {
      expect(doc).toContain(issue.messageZh);
      expect(doc).toContain(issue.messageEn);
    }
  });
});
