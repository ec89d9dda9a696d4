// HTTP to a test hub over real loopback sockets, signed the way a department signs.
import { type Identity, signRequest } from '@ferry/sdk';

export interface Answer {
  status: number;
  headers: Headers;
  bytes: Buffer;
  /** The body parsed as JSON (undefined when empty). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers field by field.
  json: any;
}

async function answer(res: Response): Promise<Answer> {
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: unknown;
  if (bytes.length > 0 && (res.headers.get('content-type') ?? '').includes('json'))
    json = JSON.parse(bytes.toString('utf8'));
  return { status: res.status, headers: res.headers, bytes, json };
}

/** Sends a request signed as `as` (unsigned when `as` is undefined). `body` objects are sent as JSON. */
export async function call(
  base: string,
  as: Identity | undefined,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<Answer> {
  const bytes =
    body === undefined
      ? new Uint8Array(0)
      : body instanceof Uint8Array
        ? body
        : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const headers: Record<string, string> = {
    ...(body !== undefined && !(body instanceof Uint8Array) ? { 'content-type': 'application/json' } : {}),
    ...(as ? signRequest(as, { method, path, body: bytes }) : {}),
    ...extraHeaders,
  };
  const res = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body: bytes }) });
  return answer(res);
}

/** Posts an envelope frame to `/v1/envelopes`. */
export async function postEnvelope(
  base: string,
  frame: Uint8Array,
  contentType = 'application/vnd.ferry.envelope',
): Promise<Answer> {
  const res = await fetch(`${base}/v1/envelopes`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: frame,
  });
  return answer(res);
}

/** `/v1/resources/:code/changes?…` for a resource code. */
export function changesPath(code: string, after?: string, limit?: number): string {
  const query = new URLSearchParams();
  if (after !== undefined) query.set('after', after);
  if (limit !== undefined) query.set('limit', String(limit));
  const q = query.toString();
  return `/v1/resources/${encodeURIComponent(code)}/changes${q ? `?${q}` : ''}`;
}
