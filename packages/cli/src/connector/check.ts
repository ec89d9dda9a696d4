// `ferry connector check`: everything that would stop the daemon, found before it runs — identity, source
// (connection, privileges, strategy prerequisites, stored cursors) and hub (reachable, identity accepted,
// resources published with this department as provider and the same key). One actionable line per problem.
import { access, constants, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CatalogClient,
  Certificate,
  type ChangeSink,
  FerryError,
  isFerryError,
  Outbox,
  type PreflightCheck,
  preflightConnector,
  requestSigner,
  type SqlSource,
  type TableConfig,
  verifyCertificate,
} from '@ferry/sdk';
import type { LoadedConnectorConfig } from './config.js';
import { type HubCredentials, loadHubCredentials } from './hub-credentials.js';
import { openSqlSource, tableConfigs } from './open-source.js';

/** One line of the check's report. */
export interface CheckResult {
  /** What was checked: `identity`, `connect`, `table`, `select-privilege`, `cursor`, `hub`, `catalog`… */
  check: string;
  /** `ok`, `error` (stops the daemon or loses data) or `warning` (advice). */
  status: 'ok' | 'error' | 'warning';
  /** The table or resource concerned. */
  subject?: string;
  /** What was found and, for a problem, what to do. */
  message: string;
}

const DAY_MS = 86_400_000;

/**
 * Runs every check of a configuration and returns one result per check. Never throws for a problem it can
 * describe; the daemon would run when no result has status `error`.
 *
 * @example
 * ```ts
 * const results = await checkConnector(await loadConnectorConfig('connector.yaml', process.env), process.env);
 * for (const r of results.filter((r) => r.status !== 'ok')) console.log(r.message);
 * ```
 */
export async function checkConnector(
  loaded: LoadedConnectorConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<CheckResult[]> {
  const { config } = loaded;
  const results: CheckResult[] = [];
  let credentials: HubCredentials | undefined;
  try {
    credentials = await loadHubCredentials(config.hub, env);
    results.push(...identityChecks(credentials));
  } catch (err) {
    results.push({ check: 'identity', status: 'error', message: (err as Error).message });
  }

  const tables = tableConfigs(config);
  const primaryKeys = new Map<string, string[]>();
  if (config.source.kind === 'file') {
    results.push(...(await folderChecks(config.source.dir)));
  } else {
    let source: SqlSource | undefined;
    try {
      source = await openSqlSource(config.source);
      const cursors = await Outbox.readCursors(join(config.storageDir, 'outbox'));
      const sink: ChangeSink = {
        cursor: async (resource) => cursors.get(resource),
        write: async () => {
          throw new FerryError('FERRY_INVALID_ARGUMENT', 'check never writes');
        },
      };
      const checks = await preflightConnector({ source, tables, sink });
      results.push(...checks.map((c) => fromPreflight(c, tables, loaded.file)));
      if (!checks.some((c) => c.check === 'connect' && !c.ok)) {
        for (const t of tables) {
          const [meta] = await source.discover([t.table]).catch(() => []);
          if (meta) primaryKeys.set(t.resource, t.key ?? meta.primaryKey);
        }
      }
    } catch (err) {
      results.push({ check: 'source', status: 'error', message: (err as Error).message });
    } finally {
      await source?.close?.().catch(() => undefined);
    }
  }

  if (credentials) results.push(...(await hubChecks(loaded, credentials, tables, primaryKeys)));
  return results;
}

function identityChecks({ identity, trust }: HubCredentials): CheckResult[] {
  const cert = identity.certificate;
  const who = `${cert.subject.text}${cert.departmentCode ? ` (${cert.departmentCode})` : ''}`;
  const results: CheckResult[] = [];
  try {
    verifyCertificate(cert, { trust, ...(identity.chain ? { intermediates: identity.chain } : {}) });
    results.push({ check: 'identity', status: 'ok', message: `${who}, valid until ${day(cert.notAfter)}` });
  } catch (err) {
    results.push({
      check: 'identity',
      status: 'error',
      message: `the certificate of ${who} does not verify against hub.ca: ${(err as Error).message}; ask the platform for a certificate issued by its CA`,
    });
    return results;
  }
  if (!cert.departmentCode) {
    results.push({
      check: 'identity',
      status: 'error',
      message: `${who} carries no department code (organizationIdentifier): the hub cannot tell which department sends`,
    });
  }
  const left = cert.notAfter.getTime() - Date.now();
  if (left < 30 * DAY_MS) {
    results.push({
      check: 'identity',
      status: 'warning',
      message: `the certificate expires on ${day(cert.notAfter)} (in ${Math.max(0, Math.floor(left / DAY_MS))} days): request a new one before then`,
    });
  }
  return results;
}

async function folderChecks(dir: string): Promise<CheckResult[]> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    await access(dir, constants.R_OK | constants.W_OK);
    return [{ check: 'drop-folder', status: 'ok', message: `${dir} is readable and writable` }];
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return [
      {
        check: 'drop-folder',
        status: 'error',
        message:
          code === 'ENOENT'
            ? `the drop folder ${dir} does not exist: create it or fix source.dir`
            : `the drop folder ${dir} must be a directory the daemon can read and write (it moves processed files)`,
      },
    ];
  }
}

function fromPreflight(c: PreflightCheck, tables: readonly TableConfig[], file: string): CheckResult {
  const table = c.table ? tables.find((t) => t.table === c.table) : undefined;
  return {
    check: c.check,
    status: c.ok ? 'ok' : (c.severity ?? 'error'),
    ...(c.table ? { subject: table ? `${c.table} → ${table.resource}` : c.table } : {}),
    // The library's advice names its API; on the command line the command that prints the DDL is the answer.
    message: c.message.replace(/changelogDdl\('[^']*'\)/, `ferry connector changelog-ddl ${file}`),
  };
}

async function hubChecks(
  loaded: LoadedConnectorConfig,
  { identity, trust }: HubCredentials,
  tables: readonly TableConfig[],
  primaryKeys: ReadonlyMap<string, string[]>,
): Promise<CheckResult[]> {
  const url = loaded.config.hub.url;
  const results: CheckResult[] = [];
  let info: { departmentCode?: string; encryptionCertificate?: string };
  try {
    const res = await fetch(new URL('v1/hub', url.endsWith('/') ? url : `${url}/`), {
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${res.url}; is hub.url the hub's base URL?`);
    info = (await res.json()) as typeof info;
  } catch (err) {
    return [
      {
        check: 'hub',
        status: 'error',
        message: `cannot reach the hub at ${url}: ${errorText(err)}; check hub.url and the network`,
      },
    ];
  }
  try {
    const hubCert = Certificate.parse(info.encryptionCertificate ?? '');
    verifyCertificate(hubCert, {
      trust,
      usage: hubCert.publicKey.algorithm === 'ec-p256' ? 'keyAgreement' : 'keyEncipherment',
      ...(info.departmentCode ? { departmentCode: info.departmentCode } : {}),
    });
    results.push({ check: 'hub', status: 'ok', message: `${url} answers as ${info.departmentCode}` });
  } catch (err) {
    results.push({
      check: 'hub',
      status: 'error',
      message: `the hub at ${url} presents a certificate that does not verify against hub.ca: ${errorText(err)}`,
    });
    return results;
  }

  const me = identity.certificate.departmentCode;
  const resources =
    loaded.config.source.kind === 'file'
      ? loaded.config.source.resources.map((r) => String(r.resource))
      : tables.map((t) => t.resource);
  const catalog = new CatalogClient({
    baseUrl: url,
    signRequest: requestSigner(identity),
    retries: 1,
    timeoutMs: 10_000,
  });
  try {
    for (const resource of resources) {
      let record: Awaited<ReturnType<CatalogClient['get']>>;
      try {
        record = await catalog.get(resource);
      } catch (err) {
        const hubCode = isFerryError(err)
          ? (err.details?.hubError as { code?: string } | undefined)?.code
          : undefined;
        const status = isFerryError(err) ? (err.details?.status as number | undefined) : undefined;
        if (status === 401 || hubCode === 'FERRY_AUTH_INVALID') {
          results.push({
            check: 'hub-identity',
            status: 'error',
            message: `the hub does not accept this identity (${me}): ${errorText(err)}; have the platform register the certificate`,
          });
          return results;
        }
        results.push({
          check: 'catalog',
          status: 'error',
          subject: resource,
          message:
            status === 404
              ? `${resource} is not in the hub's catalog: draft its entry (ferry catalog draft), submit it and have it published`
              : `cannot read ${resource} from the hub's catalog: ${errorText(err)}`,
        });
        continue;
      }
      if (!results.some((r) => r.check === 'hub-identity')) {
        results.push({
          check: 'hub-identity',
          status: 'ok',
          message: `the hub accepts requests signed as ${me}`,
        });
      }
      results.push(...entryChecks(resource, record, me, primaryKeys.get(resource)));
    }
  } finally {
    catalog.close();
  }
  return results;
}

function entryChecks(
  resource: string,
  record: {
    status: string;
    version: number;
    entry: { providerCode: string; dataItems: { name: string; key: boolean }[] };
  },
  me: string | undefined,
  key: readonly string[] | undefined,
): CheckResult[] {
  const problems: CheckResult[] = [];
  if (record.status !== 'published' && record.status !== 'updated') {
    problems.push({
      check: 'catalog',
      status: 'error',
      subject: resource,
      message: `the catalog entry of ${resource} is ${record.status} (version ${record.version}), not published: the hub refuses its data until a reviewer publishes it`,
    });
  }
  if (me && record.entry.providerCode !== me) {
    problems.push({
      check: 'catalog',
      status: 'error',
      subject: resource,
      message: `${resource} is provided by ${record.entry.providerCode}, not by this identity (${me}): only the provider may send its data`,
    });
  }
  const keyItems = record.entry.dataItems.filter((d) => d.key).map((d) => d.name);
  if (key && (key.length !== keyItems.length || key.some((k) => !keyItems.includes(k)))) {
    problems.push({
      check: 'catalog',
      status: 'error',
      subject: resource,
      message: `the key (${key.join(', ')}) differs from the key items of the catalog entry (${keyItems.join(', ')}): set \`key\` or update the entry, or the hub rejects every batch`,
    });
  }
  if (problems.length === 0) {
    problems.push({
      check: 'catalog',
      status: 'ok',
      subject: resource,
      message: `${resource} is published (version ${record.version}) with this department as provider`,
    });
  }
  return problems;
}

function errorText(err: unknown): string {
  if (isFerryError(err)) {
    const hub = err.details?.hubError as { code?: string; message?: string } | undefined;
    return hub?.message ? `${hub.code}: ${hub.message}` : `${err.code}: ${err.message}`;
  }
  const cause = (err as { cause?: { code?: string } })?.cause?.code;
  return `${(err as Error)?.message ?? String(err)}${cause ? ` (${cause})` : ''}`;
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}
