import { posix } from 'node:path';

/**
 * The few Go `net/url` behaviours Fulcio's identity code depends on, reproduced so SANs and extension values
 * match upstream byte for byte: `url.Parse` scheme/hostname (case kept, no WHATWG normalisation), `URL.JoinPath`
 * (path.Join cleaning, one trailing slash kept) and `URL.String()` path escaping.
 */

export interface GoUrl {
  readonly scheme: string;
  /** Host without userinfo and port, brackets of IPv6 literals removed (`URL.Hostname()`). */
  readonly hostname: string;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/** `url.Parse(raw)` reduced to what the checks need; throws on ASCII control characters as Go does. */
export function parseGoUrl(raw: string): GoUrl {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Error('net/url: invalid control character in URL');
  const scheme = SCHEME.exec(raw)?.[1] ?? '';
  const rest = scheme ? raw.slice(scheme.length + 1) : raw;
  if (!rest.startsWith('//')) return { scheme: scheme.toLowerCase(), hostname: '' };
  const authority = rest.slice(2).split(/[/?#]/, 1)[0] ?? '';
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  const hostname = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '');
  return { scheme: scheme.toLowerCase(), hostname };
}

/** `base.JoinPath(elems...).String()` for an absolute base URL (Go 1.19+ net/url JoinPath). */
export function joinUrlPath(base: string, ...elems: string[]): string {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*)([^?#]*)(.*)$/s.exec(base);
  if (!match) throw new Error(`not an absolute URL: ${base}`);
  const [, prefix = '', path = '', tail = ''] = match;
  // path.Join removes trailing slashes; JoinPath keeps one if the last element had it.
  let joined = posix.join(path.startsWith('/') ? path : `/${path}`, ...elems).replace(/(.)\/+$/, '$1');
  if (elems.at(-1)?.endsWith('/') && !joined.endsWith('/')) joined += '/';
  if (!path.startsWith('/') && joined === '/') joined = '';
  return prefix + escapeGoPath(joined) + tail;
}

// Bytes Go keeps unescaped in a path (net/url shouldEscape with encodePath, validEncoded).
const PATH_SAFE = /^[A-Za-z0-9\-_.~$&+,/:;=@!'()*[\]]$/;

/** `URL.EscapedPath()`: the path as given when validly encoded, otherwise percent-escaped. */
export function escapeGoPath(path: string): string {
  const valid = [...path].every((c, i) => PATH_SAFE.test(c) || (c === '%' && /^[0-9A-Fa-f]{2}$/.test(path.slice(i + 1, i + 3))));
  if (valid) return path;
  return [...Buffer.from(path, 'utf8')].map((byte) => {
    const c = String.fromCharCode(byte);
    return /^[A-Za-z0-9\-_.~$&+,/:;=@]$/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}
