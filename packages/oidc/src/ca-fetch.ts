import https from 'node:https';
import { Readable } from 'node:stream';
import tls from 'node:tls';
import type { FetchLike } from './issuer-fetch.js';

// Statuses whose response has no body (the Fetch standard's null body statuses that node delivers).
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * A fetch for issuers behind an internal TLS CA (`CACert`, fulcio#1665/#2097): the PEM is trusted in addition to
 * the system roots, TLS ≥ 1.2, as upstream's `httpClientForIssuer`. Node's global fetch cannot take extra roots
 * without undici internals, hence node:https. GET only; redirects are returned, not followed. The body is streamed:
 * its size and the time spent reading it are bounded by the reader (fetchIssuerJson), as for any other issuer.
 */
export function createCaFetch(caPem: string, fallback: FetchLike = fetch): FetchLike {
  const ca = [...tls.rootCertificates, caPem];
  return async (input, init = {}) => {
    const url = new URL(input);
    if (url.protocol !== 'https:') return fallback(input, init);
    return new Promise<Response>((resolve, reject) => {
      const request = https.request(url, {
        method: 'GET', ca, minVersion: 'TLSv1.2', headers: Object.fromEntries(new Headers(init.headers)),
        ...(init.signal ? { signal: init.signal } : {}),
      }, (res) => {
        const headers = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        const status = res.statusCode ?? 502;
        const bodyless = NULL_BODY_STATUSES.has(status);
        if (bodyless) res.resume();
        try {
          resolve(new Response(bodyless ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, headers }));
        } catch (err) {
          res.destroy();
          reject(err); // a status Response cannot carry (outside 200–599)
        }
      });
      request.on('error', reject);
      request.end();
    });
  };
}
