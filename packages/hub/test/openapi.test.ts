// docs/hub-openapi.yaml documents exactly the routes the hub registers.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestHub, type TestHub } from './support/test-hub.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const document = parse(readFileSync(new URL('../../../docs/hub-openapi.yaml', import.meta.url), 'utf8')) as {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string }>>;
};

describe('OpenAPI document', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ kind: 'sqlite' });
  });
  afterAll(() => hub?.close());

  it('is OpenAPI 3.1 with an operationId on every operation', () => {
    expect(document.openapi).toBe('3.1.0');
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS.filter((m) => m in item))
        expect(item[method]?.operationId, `${method} ${path}`).toBeTruthy();
    }
  });

  it('resolves every $ref', () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const path = ref.slice(8, -1).replace(/^#\//, '').split('/');
      let node: unknown = document;
      for (const part of path) node = (node as Record<string, unknown> | undefined)?.[part];
      expect(node, ref).toBeDefined();
    }
  });

  it('lists every registered route, and nothing else', () => {
    const registered = hub.hub.routes
      .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z]+)/g, '{$1}')}`)
      .sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, item]) => METHODS.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(registered).toEqual(documented);
  });
});
