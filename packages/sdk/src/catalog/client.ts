// Registers catalog entries with the hub's catalog registry and drives their review over HTTP.
import type http from 'node:http';
import type https from 'node:https';
import { FerryError } from '../errors/index.js';
import { HubTransport, type RequestSigner } from '../http/hub-transport.js';
import type { CatalogEntry } from './model.js';
import type { CatalogRecord, CatalogReviewDecision, CatalogSubmitResult } from './record.js';
import { isResourceCode } from './resource-code.js';
import { validateCatalogEntry } from './validate.js';

/** Options of a {@link CatalogClient}. */
export interface CatalogClientOptions {
  /** The hub's base URL, e.g. `https://hub.example.gov.cn` or `http://127.0.0.1:8080/ferry`. */
  baseUrl: string;
  /**
   * Called for every attempt with the exact method, path and body bytes that will be sent; the headers it
   * returns are added to the request (e.g. a signature over those bytes).
   */
  signRequest?: RequestSigner;
  /** Retries after the first attempt for network errors, 408, 429 and 5xx. Default 5. */
  retries?: number;
  /** Delay before the first retry in ms; doubles each retry, times a random factor from 1 to 2. Default 500. */
  minTimeout?: number;
  /** Longest delay between retries in ms. Default 30 000. */
  maxTimeout?: number;
  /** Timeout of one attempt in ms. Default 30 000. */
  timeoutMs?: number;
  /** Agent for `http:` hubs. Default: a keep-alive agent the client owns and closes in `close()`. */
  httpAgent?: http.Agent;
  /** Agent for `https:` hubs (e.g. with the platform CA or a client certificate). Default as for `httpAgent`. */
  httpsAgent?: https.Agent;
}

const ENTRIES = '/v1/catalog/entries';

function entryPath(code: string, version?: number): string {
  if (!isResourceCode(code)) {
    throw new FerryError(
      'FERRY_INVALID_ARGUMENT',
      `"${String(code)}" is not a resource code such as 101001/000001`,
      {
        details: { code },
      },
    );
  }
  const base = `${ENTRIES}/${encodeURIComponent(code)}`;
  if (version === undefined) return base;
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new FerryError(
      'FERRY_INVALID_ARGUMENT',
      `version must be a positive integer, not ${String(version)}`,
      {
        details: { version },
      },
    );
  }
  return `${base}/versions/${encodeURIComponent(String(version))}`;
}

/**
 * A client of the hub's catalog registry. Entries are validated locally before they are sent; every
 * request body is serialized once and those exact bytes are signed (with `signRequest`) and sent.
 * Network errors, 408, 429 and 5xx are retried with exponential backoff and jitter; other 4xx answers
 * fail at once with `FERRY_HTTP_REJECTED` (`details.status`, and `details.hubError` with the hub's
 * `{ code, message }`), and retries that run out fail with `FERRY_HTTP_TRANSIENT`.
 *
 * Submitting the same code and version with the same content again succeeds (the hub answers 200 with
 * the stored version); the same code and version with different content is rejected with status 409:
 * raise `version` instead.
 *
 * @example
 * ```ts
 * const client = new CatalogClient({
 *   baseUrl: 'https://hub.example.gov.cn',
 *   signRequest: ({ method, path, body }) => ({ 'x-ferry-signature': sign(method, path, body) }),
 * });
 * try {
 *   const { record, created } = await client.submit(entry);
 *   console.log(record.status, created); // 'submitted' true
 * } finally {
 *   client.close();
 * }
 * ```
 */
export class CatalogClient {
  readonly #transport: HubTransport;

  constructor(options: CatalogClientOptions) {
    if (typeof options?.baseUrl !== 'string') {
      throw new FerryError('FERRY_INVALID_ARGUMENT', 'CatalogClient needs a baseUrl');
    }
    this.#transport = new HubTransport({
      baseUrl: options.baseUrl,
      signRequest: options.signRequest,
      retries: options.retries ?? 5,
      minTimeout: options.minTimeout ?? 500,
      maxTimeout: options.maxTimeout ?? 30_000,
      timeoutMs: options.timeoutMs ?? 30_000,
      httpAgent: options.httpAgent,
      httpsAgent: options.httpsAgent,
    });
  }

  /**
   * Validates `entry` and registers it: `POST /v1/catalog/entries`. Resolves with the stored version and
   * whether it was newly created (201) or already there with the same content (200).
   *
   * @example
   * ```ts
   * const { record } = await client.submit(entry);
   * ```
   */
  async submit(entry: CatalogEntry): Promise<CatalogSubmitResult> {
    const valid = validateCatalogEntry(entry);
    const res = await this.#transport.request('POST', ENTRIES, valid);
    return { record: res.body as CatalogRecord, created: res.status === 201 };
  }

  /**
   * Reads an entry: `GET /v1/catalog/entries/:code` (the published version, or the newest when none is
   * published) or `GET /v1/catalog/entries/:code/versions/:version`.
   *
   * @example
   * ```ts
   * const current = await client.get('101001/000001');
   * const v2 = await client.get('101001/000001', 2);
   * ```
   */
  async get(code: string, version?: number): Promise<CatalogRecord> {
    const res = await this.#transport.request('GET', entryPath(code, version));
    return res.body as CatalogRecord;
  }

  /**
   * Lists the entries the caller may see: `GET /v1/catalog/entries`, answered as `{ items: CatalogRecord[] }`.
   *
   * @example
   * ```ts
   * for (const record of await client.list()) console.log(record.code, record.status);
   * ```
   */
  async list(): Promise<CatalogRecord[]> {
    const res = await this.#transport.request('GET', ENTRIES);
    const body = res.body as { items?: CatalogRecord[] } | undefined;
    return body?.items ?? [];
  }

  /**
   * Withdraws a version (provider): `POST /v1/catalog/entries/:code/versions/:version/withdraw`.
   *
   * @example
   * ```ts
   * await client.withdraw('101001/000001', 1);
   * ```
   */
  async withdraw(code: string, version: number): Promise<CatalogRecord> {
    const res = await this.#transport.request('POST', `${entryPath(code, version)}/withdraw`, {});
    return res.body as CatalogRecord;
  }

  /**
   * Approves or rejects a submitted version (reviewer):
   * `POST /v1/catalog/entries/:code/versions/:version/review` with `{ decision, comment? }`.
   *
   * @example
   * ```ts
   * await client.review('101001/000001', 1, 'reject', '共享条件未写明依据');
   * ```
   */
  async review(
    code: string,
    version: number,
    decision: CatalogReviewDecision,
    comment?: string,
  ): Promise<CatalogRecord> {
    if (decision !== 'approve' && decision !== 'reject') {
      throw new FerryError(
        'FERRY_INVALID_ARGUMENT',
        `decision must be "approve" or "reject", not ${String(decision)}`,
      );
    }
    const body = comment === undefined ? { decision } : { decision, comment };
    const res = await this.#transport.request('POST', `${entryPath(code, version)}/review`, body);
    return res.body as CatalogRecord;
  }

  /**
   * Publishes an approved version (reviewer): `POST /v1/catalog/entries/:code/versions/:version/publish`.
   *
   * @example
   * ```ts
   * await client.publish('101001/000001', 1);
   * ```
   */
  async publish(code: string, version: number): Promise<CatalogRecord> {
    const res = await this.#transport.request('POST', `${entryPath(code, version)}/publish`, {});
    return res.body as CatalogRecord;
  }

  /** Closes the connections this client opened; later calls fail. Safe to call more than once. */
  close(): void {
    this.#transport.close();
  }
}
