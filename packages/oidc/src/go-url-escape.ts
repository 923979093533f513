/**
 * Go's percent-encoding rules (net/url `shouldEscape`, `escape`, `unescape`, `validEncoded` at go1.26), on which
 * Fulcio's URL handling rests. Go strings are bytes: every string here is a byte string (one char per byte, the
 * UTF-8 of the text as latin1, see {@link toBytes}), so escaping and comparisons act on bytes as Go's do.
 */

/** The URL component being escaped (Go's `encoding` modes). */
export type EscapeMode = 'path' | 'pathSegment' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

/** A URL Go's net/url refuses; the message follows Go's error text. */
export class GoUrlError extends Error {}

/** The UTF-8 bytes of `text`, one char per byte. */
export const toBytes = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
/** The text of a byte string (invalid UTF-8 becomes U+FFFD, for messages only). */
export const fromBytes = (bytes: string): string => Buffer.from(bytes, 'latin1').toString('utf8');

const isAlphanumeric = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
// RFC 3986 §3.2.2 sub-delims, plus the ':' of a port, the brackets of IP literals and `< > "` (shouldEscape).
const HOST_EXTRA = new Set([...'!$&\'()*+,;=:[]<>"']);
const UNRESERVED_MARKS = new Set([...'-_.~']);
const RESERVED = new Set([...'$&+,/:;=?@']);
const FRAGMENT_SUB_DELIMS = new Set([...'!()*']);
// validEncoded: RFC 3986 pchar sub-delims, ':' and '@', brackets as browsers leave them, and escapes.
const VALID_ENCODED_EXTRA = new Set([...'!$&\'()*+,;=:@[]%']);

/** Whether byte `c` (a one-char byte string) must be escaped in a `mode` component (RFC 3986 as Go reads it). */
export function shouldEscape(c: string, mode: EscapeMode): boolean {
  if (isAlphanumeric(c)) return false;
  if ((mode === 'host' || mode === 'zone') && HOST_EXTRA.has(c)) return false;
  if (UNRESERVED_MARKS.has(c)) return false;
  if (RESERVED.has(c)) {
    switch (mode) {
      case 'path': return c === '?';
      case 'pathSegment': return c === '/' || c === ';' || c === ',' || c === '?';
      case 'userPassword': return c === '@' || c === '/' || c === '?' || c === ':';
      case 'queryComponent': return true;
      case 'fragment': return false;
      default: break;
    }
  }
  return !(mode === 'fragment' && FRAGMENT_SUB_DELIMS.has(c));
}

const hexValue = (c: string): number => Number.parseInt(c, 16);

/**
 * `unescape`: decodes %XX; refuses a malformed escape, and in a host an escaped ASCII byte (other than %25) or a
 * raw byte the host may not hold. `+` is a space in a query component only.
 */
export function unescape(s: string, mode: EscapeMode): string {
  let out = '';
  for (let i = 0; i < s.length; ) {
    const c = s[i] as string;
    if (c === '%') {
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) throw new GoUrlError(`invalid URL escape "${fromBytes(s.slice(i, i + 3))}"`);
      const escaped = s.slice(i, i + 3);
      const value = hexValue(s.slice(i + 1, i + 3));
      // RFC 3986 §3.2.2: a host escapes non-ASCII bytes only; RFC 6874 adds %25 before an IPv6 zone.
      if (mode === 'host' && hexValue(s[i + 1] as string) < 8 && escaped !== '%25') throw new GoUrlError(`invalid URL escape "${escaped}"`);
      if (mode === 'zone' && escaped !== '%25' && value !== 0x20 && shouldEscape(String.fromCharCode(value), 'host')) {
        throw new GoUrlError(`invalid URL escape "${escaped}"`);
      }
      out += String.fromCharCode(value);
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode)) {
      throw new GoUrlError(`invalid character "${c}" in host name`);
    }
    out += c === '+' && mode === 'queryComponent' ? ' ' : c;
    i += 1;
  }
  return out;
}

/** `escape`: %XX (upper-case hex) for every byte `mode` must escape; a query component writes spaces as `+`. */
export function escape(s: string, mode: EscapeMode): string {
  let out = '';
  for (const c of s) {
    if (c === ' ' && mode === 'queryComponent') out += '+';
    else if (shouldEscape(c, mode)) out += `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    else out += c;
  }
  return out;
}

/** `validEncoded`: `s` holds no byte that escaping in `mode` would change (escapes themselves allowed). */
export function validEncoded(s: string, mode: EscapeMode): boolean {
  for (const c of s) if (!VALID_ENCODED_EXTRA.has(c) && shouldEscape(c, mode)) return false;
  return true;
}
