import { TrustError } from './error.js';

/**
 * A service URL as clients use it: absolute http(s), no query or fragment, without a trailing slash, because
 * clients append paths (`/api/v1/log/entries`) and a doubled slash would not route upstream-style servers.
 * http is allowed: a box on a private network may sit behind a TLS terminator or be tested locally.
 */
export function serviceUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new TrustError('INVALID_URL', 'not an absolute URL', { cause, details: { url } });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new TrustError('INVALID_URL', 'service URLs must be http or https', { details: { url } });
  }
  if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
    throw new TrustError('INVALID_URL', 'service URLs carry no query, fragment or credentials', { details: { url } });
  }
  return url.replace(/\/+$/, '');
}
