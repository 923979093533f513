import { OidcError, type OidcErrorCode } from './error.js';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * The most an issuer's discovery document or JWK set may weigh. Both are a few kilobytes (a JWKS holds a handful
 * of keys; Google's and Microsoft's are under 10 KiB); upstream (go-oidc v3 `io.ReadAll`) sets no bound, which
 * lets a misbehaving IdP exhaust the CA's memory. Over the cap is a failed fetch.
 */
export const ISSUER_RESPONSE_MAX_BYTES = 1024 * 1024;
// Go's http.Client follows at most 10 redirects; Fulcio refuses any that leave the host (config.go noRedirectClient).
const MAX_REDIRECTS = 10;

export interface IssuerFetchOptions {
  fetch: FetchLike;
  /** The whole exchange: redirects, headers and body. */
  timeoutMs: number;
  maxBytes?: number;
  /** What a failure is: DISCOVERY_FAILED or JWKS_FAILED. */
  failure: Extract<OidcErrorCode, 'DISCOVERY_FAILED' | 'JWKS_FAILED'>;
}

/**
 * GETs a JSON document from an issuer as Fulcio's issuer client does (pkg/config/config.go at v1.8.8): redirects
 * followed on the same host only, 200 only. The body is read up to {@link ISSUER_RESPONSE_MAX_BYTES} and the whole
 * exchange bounded by `timeoutMs`, even if the fetch given ignores its abort signal.
 *
 * @throws OidcError `failure` for any failure: network, timeout, redirect, status, size or JSON.
 */
export async function fetchIssuerJson(url: URL, options: IssuerFetchOptions): Promise<unknown> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let body: Uint8Array;
  try {
    const response = await untilAborted(signal, fetchSameHost(url, options.fetch, signal));
    if (response.status !== 200) {
      void response.body?.cancel().catch(() => undefined);
      throw new Error(`${response.status} from ${url.href}`);
    }
    body = await readCapped(response, options.maxBytes ?? ISSUER_RESPONSE_MAX_BYTES, signal);
  } catch (cause) {
    throw new OidcError(options.failure, `fetching ${url.href}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch (cause) {
    throw new OidcError(options.failure, `${url.href} is not JSON`, { cause });
  }
}

async function fetchSameHost(start: URL, fetchImpl: FetchLike, signal: AbortSignal): Promise<Response> {
  let url = start;
  for (let hop = 0; ; hop++) {
    const response = await fetchImpl(url, { method: 'GET', redirect: 'manual', signal, headers: { accept: 'application/json' } });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || location === null) return response;
    void response.body?.cancel().catch(() => undefined);
    const next = new URL(location, url);
    if (next.host !== url.host) throw new Error(`oidc: redirect to different host "${next.host}" blocked`);
    if (hop + 1 >= MAX_REDIRECTS) throw new Error(`stopped after ${MAX_REDIRECTS} redirects`);
    url = next;
  }
}

/** The body, refused past `maxBytes` (announced or read) or once `signal` aborts. */
async function readCapped(response: Response, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const announced = Number(response.headers.get('content-length') ?? 0);
  if (announced > maxBytes) {
    void response.body?.cancel().catch(() => undefined);
    throw new Error(`response of ${announced} bytes exceeds the ${maxBytes}-byte limit`);
  }
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await untilAborted(signal, reader.read());
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw new Error(`response exceeds the ${maxBytes}-byte limit`);
      chunks.push(value);
    }
  } catch (err) {
    void reader.cancel().catch(() => undefined); // not awaited: a stalled source must not hold the caller
    throw err;
  }
  return Buffer.concat(chunks);
}

/** `promise`, or the abort reason once `signal` aborts, whichever comes first. */
function untilAborted<T>(signal: AbortSignal, promise: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
