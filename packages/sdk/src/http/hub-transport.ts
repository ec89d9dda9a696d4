// HTTP to the hub, shared by the catalog client and sync: the body is serialized once, those exact bytes are signed and sent, and transient
// failures (network errors, 408, 429, 5xx) are retried with exponential backoff and jitter, or after the time
// the hub asks for (`details.retryAfterMs` of its error body, or a `Retry-After` header) on 429 and 503.
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, isAxiosError } from 'axios';
import pRetry, { AbortError } from 'p-retry';
import { FerryError } from '../errors/index.js';

/** The typed error body every hub 4xx/5xx answer carries. */
export interface HubErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** What a request signer sees: the exact method, path (with query, as sent) and body bytes. */
export interface SignableRequest {
  /** `GET` or `POST`. */
  method: string;
  /** The request path as sent, starting with `/`, path segments already percent-encoded. */
  path: string;
  /** The exact bytes of the body (empty for GET). */
  body: Uint8Array;
}

/** Signs a request: returns headers to add (e.g. a signature and the signer's key id). */
export type RequestSigner = (
  request: SignableRequest,
) => Record<string, string> | Promise<Record<string, string>>;

/** Connection and retry settings of the transport. */
export interface TransportOptions {
  baseUrl: string;
  signRequest?: RequestSigner | undefined;
  retries: number;
  minTimeout: number;
  maxTimeout: number;
  timeoutMs: number;
  httpAgent?: http.Agent | undefined;
  httpsAgent?: https.Agent | undefined;
}

/** A successful answer: JSON-decoded body, or the raw bytes when the request asked for them. */
export interface HubResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Per-request choices beyond a JSON body. */
export interface RequestOptions {
  /** Send these bytes as the body with this content type instead of JSON. */
  raw?: { bytes: Uint8Array; contentType: string };
  /** `bytes`: return the answer body as a Buffer, not parsed JSON. */
  accept?: 'json' | 'bytes';
  /** Override the transport's retry count for this request (0: one attempt, the caller retries). */
  retries?: number;
  /** Override the first and the longest retry delay (ms) for this request. */
  minTimeout?: number;
  maxTimeout?: number;
}

/** The longest wait a hub's retry-after may ask for before the next attempt. */
export const MAX_RETRY_AFTER_MS = 60_000;

// Thrown inside an attempt to ask for a retry; becomes FERRY_HTTP_TRANSIENT when retries run out.
class TransientFailure extends Error {
  readonly status: number | undefined;
  readonly hubError: HubErrorBody | undefined;
  /** How long the hub asked the client to wait (429, 503), if it said. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    status?: number,
    hubError?: HubErrorBody,
    cause?: unknown,
    retryAfterMs?: number,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'TransientFailure';
    this.status = status;
    this.hubError = hubError;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The wait a 429 or 503 answer asks for: the hub's `details.retryAfterMs`, else a `Retry-After` header
 * (seconds or an HTTP date). Undefined when it says nothing usable.
 */
export function retryAfterMs(
  hubError: HubErrorBody | undefined,
  headers: Record<string, string>,
  now = Date.now(),
): number | undefined {
  const fromBody = hubError?.details?.retryAfterMs;
  if (typeof fromBody === 'number' && Number.isFinite(fromBody) && fromBody >= 0) return fromBody;
  const header = headers['retry-after']?.trim();
  if (!header) return undefined;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Axios error codes that mean the request itself is wrong, not that the network failed.
const PERMANENT_AXIOS_CODES = new Set([
  'ERR_INVALID_URL',
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_NOT_SUPPORT',
  'ERR_CANCELED',
  'ERR_FR_TOO_MANY_REDIRECTS',
]);

function parseHubError(bytes: Uint8Array): HubErrorBody | undefined {
  try {
    const body = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
    if (typeof body === 'object' && body !== null) {
      const { code, message, details } = body as Record<string, unknown>;
      if (typeof code === 'string' || typeof message === 'string') {
        return {
          code: typeof code === 'string' ? code : '',
          message: typeof message === 'string' ? message : '',
          ...(details && typeof details === 'object' ? { details: details as Record<string, unknown> } : {}),
        };
      }
    }
  } catch {
    // not JSON: the status alone has to do
  }
  return undefined;
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Sends requests to one hub. Owns its default agents and releases them on {@link close}. */
export class HubTransport {
  readonly #origin: string;
  readonly #prefix: string;
  readonly #options: TransportOptions;
  readonly #http: AxiosInstance;
  readonly #ownedAgents: Array<http.Agent | https.Agent> = [];
  #closed = false;

  constructor(options: TransportOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch (cause) {
      throw new FerryError('FERRY_INVALID_ARGUMENT', `baseUrl "${options.baseUrl}" is not a URL`, { cause });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FerryError('FERRY_INVALID_ARGUMENT', `baseUrl must be http or https, not ${url.protocol}`);
    }
    this.#origin = url.origin;
    this.#prefix = url.pathname.replace(/\/+$/, '');
    this.#options = options;
    let { httpAgent, httpsAgent } = options;
    if (httpAgent === undefined) {
      httpAgent = new http.Agent({ keepAlive: true });
      this.#ownedAgents.push(httpAgent);
    }
    if (httpsAgent === undefined) {
      httpsAgent = new https.Agent({ keepAlive: true });
      this.#ownedAgents.push(httpsAgent);
    }
    this.#http = axios.create({
      httpAgent,
      httpsAgent,
      timeout: options.timeoutMs,
      maxRedirects: 0,
      responseType: 'arraybuffer',
      validateStatus: () => true,
      transformRequest: [(data: unknown) => data],
      transformResponse: [(data: unknown) => data],
    });
  }

  /**
   * Sends `method` to `route` (a path below the base URL, segments already encoded) with `body` as JSON,
   * retrying transient failures. Resolves with a 2xx answer; rejects with `FERRY_HTTP_REJECTED` or
   * `FERRY_HTTP_TRANSIENT`.
   */
  async request(
    method: 'GET' | 'POST',
    route: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<HubResponse> {
    const path = this.#prefix + route;
    const hasBody = body !== undefined || options.raw !== undefined;
    const bytes = options.raw
      ? options.raw.bytes
      : body === undefined
        ? new Uint8Array(0)
        : Buffer.from(JSON.stringify(body), 'utf8');
    const contentType = options.raw?.contentType ?? 'application/json';
    const wantBytes = options.accept === 'bytes';
    let attempts = 0;

    const attempt = async (): Promise<HubResponse> => {
      if (this.#closed) {
        throw new AbortError(new FerryError('FERRY_INVALID_ARGUMENT', 'This hub client is closed'));
      }
      attempts++;
      let signed: Record<string, string> = {};
      if (this.#options.signRequest) {
        try {
          signed = await this.#options.signRequest({ method, path, body: bytes });
        } catch (err) {
          throw new AbortError(asError(err));
        }
      }
      const headers: Record<string, string> = { accept: wantBytes ? '*/*' : 'application/json', ...signed };
      if (hasBody) headers['content-type'] = contentType;

      let status: number;
      let data: Uint8Array;
      const responseHeaders: Record<string, string> = {};
      try {
        const res = await this.#http.request<Uint8Array>({
          method,
          url: this.#origin + path,
          headers,
          ...(hasBody ? { data: bytes } : {}),
        });
        status = res.status;
        data = res.data ?? new Uint8Array(0);
        for (const [k, v] of Object.entries(res.headers ?? {})) {
          if (typeof v === 'string') responseHeaders[k.toLowerCase()] = v;
          else if (typeof v === 'number') responseHeaders[k.toLowerCase()] = String(v);
        }
      } catch (err) {
        if (isAxiosError(err) && err.response === undefined && !PERMANENT_AXIOS_CODES.has(err.code ?? '')) {
          throw new TransientFailure(
            `${method} ${path} failed: ${err.code ?? err.message}`,
            undefined,
            undefined,
            err,
          );
        }
        throw new AbortError(asError(err));
      }

      if (status >= 200 && status < 300) {
        if (wantBytes) return { status, body: Buffer.from(data), headers: responseHeaders };
        if (data.byteLength === 0) return { status, body: undefined, headers: responseHeaders };
        try {
          return {
            status,
            body: JSON.parse(Buffer.from(data).toString('utf8')) as unknown,
            headers: responseHeaders,
          };
        } catch (cause) {
          throw new AbortError(
            new FerryError(
              'FERRY_HTTP_REJECTED',
              `The hub answered ${method} ${path} with ${status} but not with JSON`,
              {
                cause,
                details: { status, method, path },
              },
            ),
          );
        }
      }
      const hubError = parseHubError(data);
      const said = hubError?.message ? `: ${hubError.message}` : '';
      if (status === 408 || status === 429 || status >= 500) {
        const wait = status === 429 || status === 503 ? retryAfterMs(hubError, responseHeaders) : undefined;
        throw new TransientFailure(
          `${method} ${path} answered ${status}${said}`,
          status,
          hubError,
          undefined,
          wait,
        );
      }
      throw new AbortError(
        new FerryError('FERRY_HTTP_REJECTED', `The hub rejected ${method} ${path} with ${status}${said}`, {
          details: { status, method, path, ...(hubError ? { hubError } : {}) },
        }),
      );
    };

    const retries = options.retries ?? this.#options.retries;
    const minTimeout = options.minTimeout ?? this.#options.minTimeout;
    const maxTimeout = options.maxTimeout ?? this.#options.maxTimeout;
    try {
      return await pRetry(attempt, {
        retries,
        minTimeout,
        maxTimeout,
        factor: 2,
        randomize: true,
        // The hub's own estimate beats a guess: wait what it asked for (bounded) before p-retry's backoff.
        onFailedAttempt: async ({ error, retriesLeft }) => {
          if (retriesLeft > 0 && error instanceof TransientFailure && error.retryAfterMs !== undefined) {
            await sleep(Math.min(error.retryAfterMs, MAX_RETRY_AFTER_MS));
          }
        },
      });
    } catch (err) {
      if (!(err instanceof TransientFailure)) throw err;
      throw new FerryError(
        'FERRY_HTTP_TRANSIENT',
        `The hub could not be reached or kept failing after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${err.message}`,
        {
          cause: err.cause ?? err,
          details: {
            attempts,
            method,
            path,
            ...(err.status === undefined ? {} : { status: err.status }),
            ...(err.hubError ? { hubError: err.hubError } : {}),
            ...(err.retryAfterMs === undefined ? {} : { retryAfterMs: err.retryAfterMs }),
          },
        },
      );
    }
  }

  /** Stops new requests and closes the connections of the agents this transport created. */
  close(): void {
    this.#closed = true;
    for (const agent of this.#ownedAgents) agent.destroy();
  }
}
