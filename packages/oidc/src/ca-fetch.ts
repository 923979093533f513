import https from 'node:https';
import tls from 'node:tls';
import type { FetchLike } from './discovery.js';

// Discovery documents and JWK sets are small; refuse to buffer more (a misbehaving IdP must not exhaust memory).
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A fetch for issuers behind an internal TLS CA (`CACert`, fulcio#1665/#2097): the PEM is trusted in addition to
 * the system roots, TLS ≥ 1.2, as upstream's `httpClientForIssuer`. Node's global fetch cannot take extra roots
 * without undici internals, hence node:https. GET only; redirects are returned, not followed.
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
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) res.destroy(new Error(`response from ${url.host} exceeds ${MAX_BODY_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const headers = new Headers();
          for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          const status = res.statusCode ?? 502;
          const body = [204, 205, 304].includes(status) ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers }));
        });
      });
      request.on('error', reject);
      request.end();
    });
  };
}
