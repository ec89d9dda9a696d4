// The daemon's monitoring endpoint: GET /healthz and GET /metrics, nothing else, on loopback by default.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FerryError } from '@ferry/sdk';
import type { Registry } from 'prom-client';
import type { HealthReport } from './health.js';

/** A started monitoring server. */
export interface MonitoringServer {
  /** `http://host:port`, with the port actually bound (port 0 picks a free one). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `/healthz` (200 or 503 with `{ status, reason, reasons, capture, delivery }`) and `/metrics`
 * (Prometheus text format). Binds to `host` — keep it loopback unless a scraper on another machine needs
 * it: the endpoints are unauthenticated and name the resources being sent.
 */
export async function startMonitoringServer(options: {
  host: string;
  port: number;
  health: () => HealthReport;
  registry: Registry;
}): Promise<MonitoringServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      const report = options.health();
      const body = JSON.stringify({
        status: report.ok ? 'ok' : 'unhealthy',
        ...(report.ok ? {} : { reason: report.reasons.join('; ') }),
        ...report,
      });
      res.writeHead(report.ok ? 200 : 503, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    if (path === '/metrics') {
      options.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': options.registry.contentType, 'cache-control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`metrics failed: ${(err as Error).message}\n`);
        },
      );
      return;
    }
    res
      .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      .end('not found: try /healthz or /metrics\n');
  });
  // A scraper's keep-alive connection must not hold the daemon open at shutdown.
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => {
      const where = `${options.host}:${options.port}`;
      const why =
        err.code === 'EADDRINUSE'
          ? `${where} is in use (another daemon?): choose another http.port, or http: false`
          : err.code === 'EACCES'
            ? `${where} may not be bound by this user: choose a port above 1023`
            : err.code === 'EADDRNOTAVAIL'
              ? `${options.host} is not an address of this machine`
              : undefined;
      reject(
        why
          ? new FerryError('FERRY_CONFIG_INVALID', `http: ${why}`, {
              cause: err,
              location: { field: 'http' },
            })
          : err,
      );
    };
    server.once('error', failed);
    server.listen(options.port, options.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
