// The catalog client over real HTTP on loopback: retries, typed errors, signed bytes and encoded codes.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CatalogClient, type CatalogClientOptions, type SignableRequest } from '../../src/catalog/index.js';
import { type FerryError, isFerryError } from '../../src/errors/index.js';
import { populationEntry } from './fixtures.js';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

type Reply = (req: Received, res: http.ServerResponse, count: number) => void;

interface Hub {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

/** A tiny hub on 127.0.0.1 that records every request and answers with `reply`. */
async function startHub(reply: Reply): Promise<Hub> {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(received);
      reply(received, res, requests.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const hub = {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  open.push(hub);
  return hub;
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function record(body: Buffer, status = 'submitted') {
  const entry = JSON.parse(body.toString('utf8'));
  return { code: entry.code, version: entry.version, status, entry, updatedAt: '2024-03-01T08:00:00.000Z' };
}

function client(baseUrl: string, options: Partial<CatalogClientOptions> = {}): CatalogClient {
  const c = new CatalogClient({
    baseUrl,
    retries: 4,
    minTimeout: 1,
    maxTimeout: 5,
    timeoutMs: 2_000,
    ...options,
  });
  open.push(c);
  return c;
}

async function rejection(promise: Promise<unknown>): Promise<FerryError> {
  try {
    await promise;
  } catch (err) {
    if (isFerryError(err)) return err;
    throw err;
  }
  throw new Error('expected a FerryError');
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('CatalogClient.submit', () => {
  it('retries 503 until the hub accepts, signing and sending the same exact bytes each time', async () => {
    const hub = await startHub((req, res, n) => {
      if (n <= 2) json(res, 503, { code: 'UNAVAILABLE', message: 'warming up' });
      else json(res, 201, record(req.body));
    });
    const signed: SignableRequest[] = [];
    const c = client(hub.url, {
      signRequest: (req) => {
        signed.push(req);
        return { 'x-ferry-signature': sha256(req.body), 'x-ferry-key': 'dept-key-1' };
      },
    });
    const entry = populationEntry();
    const { record: stored, created } = await c.submit(entry);

    expect(created).toBe(true);
    expect(stored.entry).toEqual(entry);
    expect(stored.status).toBe('submitted');
    expect(hub.requests).toHaveLength(3);
    expect(signed).toHaveLength(3);
    for (const [i, req] of hub.requests.entries()) {
      const sig = signed[i]!;
      expect(sig.method).toBe('POST');
      expect(sig.path).toBe('/v1/catalog/entries');
      expect(req.url).toBe(sig.path);
      expect(Buffer.from(sig.body).equals(req.body)).toBe(true);
      expect(req.headers['x-ferry-signature']).toBe(sha256(req.body));
      expect(req.headers['x-ferry-key']).toBe('dept-key-1');
      expect(req.headers['content-type']).toBe('application/json');
    }
    expect(JSON.parse(hub.requests[0]!.body.toString('utf8'))).toEqual(entry);
  });

  it('treats the same code, version and content as success and different content as a permanent 409', async () => {
    const stored = new Map<string, string>();
    const hub = await startHub((req, res) => {
      const entry = JSON.parse(req.body.toString('utf8'));
      const key = `${entry.code}@${entry.version}`;
      const before = stored.get(key);
      if (before === undefined) {
        stored.set(key, req.body.toString('utf8'));
        json(res, 201, record(req.body));
      } else if (before === req.body.toString('utf8')) {
        json(res, 200, record(Buffer.from(before)));
      } else {
        json(res, 409, { code: 'CATALOG_VERSION_CONFLICT', message: 'version 1 of 101001/000001 differs' });
      }
    });
    const c = client(hub.url);
    const entry = populationEntry();
    expect((await c.submit(entry)).created).toBe(true);
    const again = await c.submit(entry);
    expect(again.created).toBe(false);
    expect(again.record.entry).toEqual(entry);

    const changed = { ...entry, name: '常住人口基本信息（修订）' };
    const err = await rejection(c.submit(changed));
    expect(err.code).toBe('FERRY_HTTP_REJECTED');
    expect(err.details).toMatchObject({
      status: 409,
      method: 'POST',
      path: '/v1/catalog/entries',
      hubError: { code: 'CATALOG_VERSION_CONFLICT', message: 'version 1 of 101001/000001 differs' },
    });
    expect(err.message).toContain('409');
    expect(hub.requests).toHaveLength(3); // the 409 was not retried
  });

  it('fails with FERRY_HTTP_TRANSIENT after the retries run out, with the last failure as cause', async () => {
    const hub = await startHub((_req, res) =>
      json(res, 502, { code: 'BAD_GATEWAY', message: 'upstream down' }),
    );
    const err = await rejection(client(hub.url, { retries: 2 }).submit(populationEntry()));
    expect(err.code).toBe('FERRY_HTTP_TRANSIENT');
    expect(err.details).toMatchObject({ attempts: 3, status: 502, hubError: { code: 'BAD_GATEWAY' } });
    expect(err.cause).toBeInstanceOf(Error);
    expect(hub.requests).toHaveLength(3);
  });

  it('retries 408 and 429 but not other 4xx', async () => {
    const hub = await startHub((req, res, n) => {
      if (n === 1) json(res, 408, { code: 'TIMEOUT', message: 'slow' });
      else if (n === 2) json(res, 429, { code: 'RATE', message: 'slow down' });
      else if (n === 3) json(res, 201, record(req.body));
      else json(res, 400, { code: 'FERRY_CATALOG_INVALID', message: 'hub rules differ' });
    });
    const c = client(hub.url);
    expect((await c.submit(populationEntry())).created).toBe(true);
    expect(hub.requests).toHaveLength(3);

    const err = await rejection(c.submit(populationEntry()));
    expect(err.code).toBe('FERRY_HTTP_REJECTED');
    expect(err.details).toMatchObject({ status: 400, hubError: { code: 'FERRY_CATALOG_INVALID' } });
    expect(hub.requests).toHaveLength(4);
  });

  it('retries a dropped connection and a response that never comes', async () => {
    const hub = await startHub((req, res, n) => {
      if (n === 1) res.socket?.destroy();
      else if (n === 2)
        return; // never answers: the client times out
      else json(res, 201, record(req.body));
    });
    const c = client(hub.url, { timeoutMs: 150 });
    expect((await c.submit(populationEntry())).created).toBe(true);
    expect(hub.requests).toHaveLength(3);
  });

  it('reports an unreachable hub as transient', async () => {
    const hub = await startHub(() => {});
    const url = hub.url;
    await hub.close();
    const err = await rejection(client(url, { retries: 1 }).submit(populationEntry()));
    expect(err.code).toBe('FERRY_HTTP_TRANSIENT');
    expect(err.details).toMatchObject({ attempts: 2 });
    expect((err.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('validates the entry before sending anything', async () => {
    const hub = await startHub((_req, res) => json(res, 500, {}));
    const bad = { ...populationEntry(), share: { type: 'none' as const } };
    const err = await rejection(client(hub.url).submit(bad));
    expect(err.code).toBe('FERRY_CATALOG_INVALID');
    expect(err.location?.field).toBe('share.condition');
    expect(hub.requests).toHaveLength(0);
  });

  it('does not retry when signing fails', async () => {
    const hub = await startHub((req, res) => json(res, 201, record(req.body)));
    let calls = 0;
    const c = client(hub.url, {
      signRequest: () => {
        calls++;
        throw new Error('token expired');
      },
    });
    await expect(c.submit(populationEntry())).rejects.toThrow('token expired');
    expect(calls).toBe(1);
    expect(hub.requests).toHaveLength(0);
  });
});

describe('CatalogClient paths', () => {
  it('percent-encodes codes containing "/" and keeps the base URL path', async () => {
    const hub = await startHub((req, res) => {
      if (req.method === 'GET' && req.url === '/hub/v1/catalog/entries') {
        json(res, 200, { items: [] });
        return;
      }
      json(res, 200, {
        code: '101001/000001',
        version: 2,
        status: 'published',
        entry: populationEntry(),
        updatedAt: '2024-03-01T08:00:00.000Z',
      });
    });
    const signed: SignableRequest[] = [];
    const c = client(`${hub.url}/hub/`, {
      signRequest: async (req) => {
        signed.push(req);
        return { 'x-ferry-signature': sha256(req.body) };
      },
    });

    expect((await c.get('101001/000001')).status).toBe('published');
    await c.get('101001/000001', 2);
    await c.withdraw('101001/000001', 2);
    await c.review('101001/000001', 2, 'reject', '共享条件未写明依据');
    await c.review('101001/000001', 2, 'approve');
    await c.publish('101001/000001', 2);
    expect(await c.list()).toEqual([]);

    const base = '/hub/v1/catalog/entries/101001%2F000001';
    expect(hub.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET ${base}`,
      `GET ${base}/versions/2`,
      `POST ${base}/versions/2/withdraw`,
      `POST ${base}/versions/2/review`,
      `POST ${base}/versions/2/review`,
      `POST ${base}/versions/2/publish`,
      'GET /hub/v1/catalog/entries',
    ]);
    expect(signed.map((s) => s.path)).toEqual(hub.requests.map((r) => r.url));
    expect(JSON.parse(hub.requests[3]!.body.toString('utf8'))).toEqual({
      decision: 'reject',
      comment: '共享条件未写明依据',
    });
    expect(JSON.parse(hub.requests[4]!.body.toString('utf8'))).toEqual({ decision: 'approve' });
    expect(hub.requests[0]!.body.length).toBe(0);
    expect(signed[0]!.body.length).toBe(0);
    for (const [i, req] of hub.requests.entries()) {
      expect(Buffer.from(signed[i]!.body).equals(req.body)).toBe(true);
    }
  });

  it('refuses codes and versions that are not valid before any request', async () => {
    const hub = await startHub((_req, res) => json(res, 200, {}));
    const c = client(hub.url);
    for (const call of [
      () => c.get('101001-000001'),
      () => c.get('101001/000001', 0),
      () => c.withdraw('../admin', 1),
      () => c.publish('101001/000001', 1.5),
      () => c.review('101001/000001', 1, 'maybe' as 'approve'),
    ]) {
      const err = await rejection(call());
      expect(err.code).toBe('FERRY_INVALID_ARGUMENT');
    }
    expect(hub.requests).toHaveLength(0);
  });

  it('reports a missing entry as a rejection with status 404', async () => {
    const hub = await startHub((_req, res) =>
      json(res, 404, { code: 'NOT_FOUND', message: 'no such entry' }),
    );
    const err = await rejection(client(hub.url).get('101001/000009'));
    expect(err.code).toBe('FERRY_HTTP_REJECTED');
    expect(err.details).toMatchObject({
      status: 404,
      hubError: { code: 'NOT_FOUND', message: 'no such entry' },
    });
    expect(hub.requests).toHaveLength(1);
  });
});

describe('CatalogClient lifetime', () => {
  it('can be created twice in one process, and refuses calls once closed', async () => {
    const hub = await startHub((_req, res) => json(res, 200, { items: [] }));
    const a = client(hub.url);
    const b = client(hub.url);
    expect(await a.list()).toEqual([]);
    expect(await b.list()).toEqual([]);
    a.close();
    a.close();
    const err = await rejection(a.list());
    expect(err.code).toBe('FERRY_INVALID_ARGUMENT');
    expect(await b.list()).toEqual([]);
  });

  it('refuses a base URL that is not http or https', () => {
    expect(() => new CatalogClient({ baseUrl: 'ftp://hub' })).toThrow(/http or https/);
    expect(() => new CatalogClient({ baseUrl: 'not a url' })).toThrow(/not a URL/);
  });
});
