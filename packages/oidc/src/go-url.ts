import { isIPv6 } from 'node:net';
import { GoUrlError, escape, fromBytes, toBytes, unescape, validEncoded } from './go-url-escape.js';
import { joinGoPath } from './go-path.js';

export { GoUrlError } from './go-url-escape.js';

/**
 * Go's `net/url` as Fulcio's identity code uses it (go1.26, what fulcio v1.8.8 builds with): `url.Parse`,
 * `URL.String()`, `URL.Hostname()` and `URL.JoinPath`, so that what is accepted, compared and written into SANs and
 * extensions matches upstream byte for byte. WHATWG URL parsing differs where it matters: it reads
 * `https://evil.com\@example.com/` as host evil.com, where Go refuses the backslash in the userinfo.
 *
 * Every field is a byte string (Go strings are bytes; see go-url-escape.ts): compare fields as they are, turn them
 * into text with {@link goText} for messages.
 */
export interface GoUrl {
  /** Lower-cased. */
  readonly scheme: string;
  /** `scheme:opaque` when nothing but a scheme precedes a rootless path. */
  readonly opaque: string;
  readonly user: GoUserinfo | undefined;
  /** Unescaped `host[:port]`, IPv6 literals in brackets. */
  readonly host: string;
  readonly path: string;
  /** The path as written when that is not what escaping `path` gives. */
  readonly rawPath: string;
  /** The URL had `scheme:/path`, an empty authority. */
  readonly omitHost: boolean;
  /** The URL ended in a `?` with nothing after it. */
  readonly forceQuery: boolean;
  readonly rawQuery: string;
  readonly fragment: string;
  readonly rawFragment: string;
}

export interface GoUserinfo {
  readonly username: string;
  readonly password: string | undefined;
}

/** A byte string of a {@link GoUrl} as text. */
export const goText = fromBytes;

type MutableGoUrl = { -readonly [K in keyof GoUrl]: GoUrl[K] };

const emptyUrl = (): MutableGoUrl => ({
  scheme: '', opaque: '', user: undefined, host: '', path: '', rawPath: '', omitHost: false, forceQuery: false, rawQuery: '', fragment: '', rawFragment: '',
});

/** `url.Parse(raw)`: the fragment is cut off first, then the rest is parsed. Throws {@link GoUrlError}. */
export function parseGoUrl(raw: string): GoUrl {
  const bytes = toBytes(raw);
  const hash = bytes.indexOf('#');
  const beforeFragment = hash < 0 ? bytes : bytes.slice(0, hash);
  try {
    const url = parseWithoutFragment(beforeFragment);
    const fragment = hash < 0 ? '' : bytes.slice(hash + 1);
    if (fragment !== '') {
      url.fragment = unescape(fragment, 'fragment');
      url.rawFragment = escape(url.fragment, 'fragment') === fragment ? '' : fragment;
    }
    return url;
  } catch (err) {
    if (err instanceof GoUrlError) throw new GoUrlError(`parse "${raw}": ${err.message}`, { cause: err });
    throw err;
  }
}

/** `getScheme`: a leading `[a-zA-Z][a-zA-Z0-9+.-]*:`; a leading ':' is "missing protocol scheme". */
function splitScheme(raw: string): [scheme: string, rest: string] {
  const match = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.exec(raw);
  if (match) return [match[0].slice(0, -1), raw.slice(match[0].length)];
  if (raw.startsWith(':')) throw new GoUrlError('missing protocol scheme');
  return ['', raw];
}

function parseWithoutFragment(raw: string): MutableGoUrl {
  // Go refuses every ASCII control byte before anything else (stringContainsCTLByte).
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new GoUrlError('net/url: invalid control character in URL');
  const url = emptyUrl();
  if (raw === '*') {
    url.path = '*';
    return url;
  }
  const [scheme, afterScheme] = splitScheme(raw);
  url.scheme = scheme.toLowerCase();
  let rest = afterScheme;
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    url.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const query = rest.indexOf('?');
    if (query >= 0) [rest, url.rawQuery] = [rest.slice(0, query), rest.slice(query + 1)];
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      url.opaque = rest; // RFC 3986 rootless paths are opaque
      return url;
    }
    // RFC 3986 §3.3: the first segment of a relative-path reference cannot hold a colon (golang.org/issue/16822).
    if (rest.split('/', 1)[0]?.includes(':')) throw new GoUrlError('first path segment in URL cannot contain colon');
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) [authority, rest] = [authority.slice(0, slash), authority.slice(slash)];
    parseAuthority(url, authority);
  } else if (url.scheme !== '' && rest.startsWith('/')) {
    url.omitHost = true;
  }
  setPath(url, rest);
  return url;
}

// RFC 3986 §3.2.1 userinfo, plus '@' (golang.org/issue/3439): anything else, '\' included, makes the URL invalid.
const VALID_USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

function parseAuthority(url: MutableGoUrl, authority: string): void {
  const at = authority.lastIndexOf('@');
  url.host = parseHost(url.scheme, at < 0 ? authority : authority.slice(at + 1));
  if (at < 0) return;
  const userinfo = authority.slice(0, at);
  if (!VALID_USERINFO.test(userinfo)) throw new GoUrlError('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  url.user = colon < 0
    ? { username: unescape(userinfo, 'userPassword'), password: undefined }
    : { username: unescape(userinfo.slice(0, colon), 'userPassword'), password: unescape(userinfo.slice(colon + 1), 'userPassword') };
}

const validOptionalPort = (port: string): boolean => port === '' || /^:[0-9]*$/.test(port);

/** `parseHost`: `host[:port]`, an IPv6 literal only in brackets, at most one colon outside them for http(s). */
function parseHost(scheme: string, host: string): string {
  const open = host.lastIndexOf('[');
  if (open > 0) throw new GoUrlError('invalid IP-literal');
  if (open === 0) return parseIpLiteral(host);
  let colon = host.indexOf(':');
  if (colon >= 0) {
    // RFC 3986 allows no colon in a host; Go holds http and https to that (go.dev/issue/75223, urlstrictcolons).
    if (scheme !== 'http' && scheme !== 'https') colon = host.lastIndexOf(':');
    const port = host.slice(colon);
    if (!validOptionalPort(port)) throw new GoUrlError(`invalid port "${fromBytes(port)}" after host`);
  }
  return unescape(host, 'host');
}

/** `[IPv6 (%25zone)?](:port)?` (RFC 3986, RFC 6874): brackets hold an IPv6 address, never an IPv4 one. */
function parseIpLiteral(host: string): string {
  const close = host.lastIndexOf(']');
  if (close < 0) throw new GoUrlError("missing ']' in host");
  const port = host.slice(close + 1);
  if (!validOptionalPort(port)) throw new GoUrlError(`invalid port "${fromBytes(port)}" after host`);
  const literal = host.slice(1, close);
  const zone = literal.indexOf('%25');
  const address = zone >= 0 ? unescape(literal.slice(0, zone), 'host') + unescape(literal.slice(zone), 'zone') : unescape(literal, 'host');
  if (!isIpv6Address(address)) throw new GoUrlError(`invalid host: "${fromBytes(address)}" is not an IPv6 address`);
  return `[${address}]${unescape(port, 'host')}`;
}

/** netip.ParseAddr succeeding with an IPv6 address: its first '.', ':' or '%' is a ':', a zone is not empty. */
function isIpv6Address(text: string): boolean {
  if (/^[^.:%]*(?:[.%]|$)/.test(text)) return false;
  const percent = text.indexOf('%');
  if (percent >= 0 && percent === text.length - 1) return false;
  return isIPv6(percent < 0 ? text : text.slice(0, percent));
}

function setPath(url: MutableGoUrl, escapedPath: string): void {
  url.path = unescape(escapedPath, 'path');
  url.rawPath = escape(url.path, 'path') === escapedPath ? '' : escapedPath;
}

/** `EscapedPath`/`EscapedFragment`: the raw form as written when it is valid and means the same, else escaped. */
function escaped(value: string, raw: string, mode: 'path' | 'fragment'): string {
  if (raw !== '' && validEncoded(raw, mode)) {
    try {
      if (unescape(raw, mode) === value) return raw;
    } catch { /* not a valid escaping: computed below */ }
  }
  if (mode === 'path' && value === '*') return '*';
  return escape(value, mode);
}

const userinfoString = (user: GoUserinfo): string =>
  escape(user.username, 'userPassword') + (user.password === undefined ? '' : `:${escape(user.password, 'userPassword')}`);

/** `URL.String()` as text (it is ASCII but for a raw query or opaque part written in UTF-8). */
export function goUrlString(url: GoUrl): string {
  let out = url.scheme === '' ? '' : `${url.scheme}:`;
  if (url.opaque !== '') {
    out += url.opaque;
  } else {
    if ((url.scheme !== '' || url.host !== '' || url.user) && !(url.omitHost && url.host === '' && !url.user)) {
      if (url.host !== '' || url.path !== '' || url.user) out += '//';
      if (url.user) out += `${userinfoString(url.user)}@`;
      out += escape(url.host, 'host');
    }
    const path = escaped(url.path, url.rawPath, 'path');
    if (path !== '' && !path.startsWith('/') && url.host !== '') out += '/';
    // RFC 3986 §4.2: a first segment with a colon would read as a scheme.
    if (out === '' && path.split('/', 1)[0]?.includes(':')) out += './';
    out += path;
  }
  if (url.forceQuery || url.rawQuery !== '') out += `?${url.rawQuery}`;
  if (url.fragment !== '') out += `#${escaped(url.fragment, url.rawFragment, 'fragment')}`;
  return fromBytes(out);
}

/** `URL.Hostname()`: the host without a valid port and without IPv6 brackets (byte string). */
export function goUrlHostname(url: GoUrl): string {
  let host = url.host;
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && validOptionalPort(host.slice(colon))) host = host.slice(0, colon);
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** `url` with its scheme replaced (gitlab's `ciConfigRefURL.Scheme = "https"`). */
export const withScheme = (url: GoUrl, scheme: string): GoUrl => ({ ...url, scheme });

/**
 * `URL.JoinPath(elems...)`: path.Join of the escaped path and the elements, one trailing slash kept. Go's JoinPath
 * silently keeps the old path when the joined one holds a malformed escape; that is refused here instead.
 */
export function joinGoUrl(url: GoUrl, ...elems: string[]): GoUrl {
  const escapedPath = escaped(url.path, url.rawPath, 'path');
  // A relative base stays relative, without any leading ../ (the join is rooted, then the root dropped).
  const rooted = escapedPath.startsWith('/');
  const parts = [rooted ? escapedPath : `/${escapedPath}`, ...elems.map(toBytes)];
  let joined = rooted ? joinGoPath(...parts) : joinGoPath(...parts).slice(1);
  // path.Join drops trailing slashes; JoinPath keeps one when the last element (or the rooted base) has it.
  if (parts.at(-1)?.endsWith('/') && !joined.endsWith('/')) joined += '/';
  const next = { ...url };
  setPath(next, joined);
  return next;
}

/** `url.Parse(base)` then `.JoinPath(elems...).String()`, the way Fulcio builds its URI extensions. */
export function joinUrlPath(base: string, ...elems: string[]): string {
  return goUrlString(joinGoUrl(parseGoUrl(base), ...elems));
}
