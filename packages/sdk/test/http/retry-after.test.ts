// The transport waits as long as the hub asks on 429/503 instead of its own (much shorter) backoff.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HubTransport, retryAfterMs } from '../../src/http/hub-transport.js';

let server: http.Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A loopback server answering the listed responses in turn, recording when each request came. */
async function hub(answers: { status: number; body?: unknown; headers?: Record<string, string> }[]) {
  const times: number[] = [];
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      times.push(Date.now());
      const a = answers[Math.min(times.length - 1, answers.length - 1)]!;
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(JSON.stringify(a.body ?? {}));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const transport = new HubTransport({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    retries: 3,
    minTimeout: 1,
    maxTimeout: 5,
    timeoutMs: 5000,
  });
  return { transport, times };
}

describe('HubTransport and the hub’s retry-after', () => {
  it('waits the details.retryAfterMs of a 429 before trying again', async () => {
    const { transport, times } = await hub([
      {
        status: 429,
        body: { code: 'FERRY_RATE_LIMITED', message: 'slow down', details: { retryAfterMs: 300 } },
      },
      { status: 200, body: { ok: true } },
    ]);
    const res = await transport.request('POST', '/v1/envelopes', { x: 1 });
    transport.close();
    expect(res.body).toEqual({ ok: true });
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(290);
  });

  it('waits the Retry-After header (seconds) of a 503', async () => {
    const { transport, times } = await hub([
      { status: 503, body: { code: 'FERRY_UNAVAILABLE', message: 'busy' }, headers: { 'retry-after': '1' } },
      { status: 200, body: { ok: true } },
    ]);
    await transport.request('GET', '/v1/hub');
    transport.close();
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
  });

  it('backs off as configured when the hub says nothing, and reports the wait it asked for when retries run out', async () => {
    const { transport, times } = await hub([{ status: 500, body: { code: 'X', message: 'boom' } }]);
    const err = await transport.request('GET', '/v1/hub').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'FERRY_HTTP_TRANSIENT', details: { attempts: 4, status: 500 } });
    expect(times[3]! - times[0]!).toBeLessThan(500);
    transport.close();

    const limited = await hub([
      { status: 429, body: { code: 'FERRY_RATE_LIMITED', message: '', details: { retryAfterMs: 20 } } },
    ]);
    const err2 = await limited.transport.request('GET', '/v1/hub').catch((e: unknown) => e);
    expect(err2).toMatchObject({ code: 'FERRY_HTTP_TRANSIENT', details: { status: 429, retryAfterMs: 20 } });
    limited.transport.close();
  });

  it('reads retry-after from the body first, then the header as seconds or a date', () => {
    const now = Date.parse('2026-11-26T08:00:00Z');
    expect(retryAfterMs({ code: 'X', message: '', details: { retryAfterMs: 1234 } }, {}, now)).toBe(1234);
    expect(retryAfterMs(undefined, { 'retry-after': '7' }, now)).toBe(7000);
    expect(retryAfterMs(undefined, { 'retry-after': 'Thu, 26 Nov 2026 08:00:02 GMT' }, now)).toBe(2000);
    expect(retryAfterMs(undefined, { 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(retryAfterMs({ code: 'X', message: '', details: { retryAfterMs: -1 } }, {}, now)).toBeUndefined();
  });
});
