import { describe, expect, it } from 'vitest';
import { certificateUri } from './certificate-uri.js';
import { cleanGoPath, joinGoPath } from './go-path.js';
import { GoUrlError, goText, goUrlHostname, goUrlString, joinUrlPath, parseGoUrl } from './go-url.js';

// Expected values are what Go 1.26.8's net/url answers for the same input (url.Parse, then Scheme, Host,
// Hostname() and String()); `undefined` where url.Parse returns an error.
const PARSED: Array<[raw: string, expected: { scheme: string; host: string; hostname: string; string: string } | undefined]> = [
  ['https://user@Accounts.Example.com:8443/x', { scheme: 'https', host: 'Accounts.Example.com:8443', hostname: 'Accounts.Example.com', string: 'https://user@Accounts.Example.com:8443/x' }],
  ['example.com', { scheme: '', host: '', hostname: '', string: 'example.com' }],
  ['HTTPS://example.com/a b?q=1#frag ment', { scheme: 'https', host: 'example.com', hostname: 'example.com', string: 'https://example.com/a%20b?q=1#frag%20ment' }],
  ['https://evil.com\\@example.com/alice', undefined], // '\' is not userinfo (validUserinfo); WHATWG reads host evil.com
  ['http://a b@127.0.0.1/alice', undefined],
  ['https://user:p@ss@example.com/', { scheme: 'https', host: 'example.com', hostname: 'example.com', string: 'https://user:p%40ss@example.com/' }],
  ['https://example.com:80:80/', undefined], // one colon at most in an http(s) host (urlstrictcolons)
  ['postgres://h1:5432,h2:5432/db', { scheme: 'postgres', host: 'h1:5432,h2:5432', hostname: 'h1:5432,h2', string: 'postgres://h1:5432,h2:5432/db' }],
  ['https://[fe80::1%25en0]:8443/', { scheme: 'https', host: '[fe80::1%en0]:8443', hostname: 'fe80::1%en0', string: 'https://[fe80::1%25en0]:8443/' }],
  ['https://[1.2.3.4]/', undefined],
  ['https://x[::1]/', undefined],
  ['https://example.com/alice%zz', undefined],
  ['https://example.com/alice#%zz', undefined],
  ['https://ex%41mple.com/', undefined], // a host escapes non-ASCII bytes only
  ['https://ex%C3%A9mple.com/', { scheme: 'https', host: 'ex\u00e9mple.com', hostname: 'ex\u00e9mple.com', string: 'https://ex%C3%A9mple.com/' }],
  ['https://example.com/%41%2fb', { scheme: 'https', host: 'example.com', hostname: 'example.com', string: 'https://example.com/%41%2fb' }],
  ['https://example.com/\u00fc', { scheme: 'https', host: 'example.com', hostname: 'example.com', string: 'https://example.com/%C3%BC' }],
  ['https://example.com/a\u0001', undefined],
  [':foo', undefined],
  ['a:b/c', { scheme: 'a', host: '', hostname: '', string: 'a:b/c' }],
  ['./a:b', { scheme: '', host: '', hostname: '', string: './a:b' }],
  ['https:/a', { scheme: 'https', host: '', hostname: '', string: 'https:/a' }],
  ['mailto:a@example.com', { scheme: 'mailto', host: '', hostname: '', string: 'mailto:a@example.com' }],
  ['https://example.com/a?', { scheme: 'https', host: 'example.com', hostname: 'example.com', string: 'https://example.com/a?' }],
];

describe('Go net/url', () => {
  it.each(PARSED)('url.Parse(%j)', (raw, expected) => {
    if (expected === undefined) {
      expect(() => parseGoUrl(raw)).toThrow(GoUrlError);
      return;
    }
    const url = parseGoUrl(raw);
    expect({ scheme: goText(url.scheme), host: goText(url.host), hostname: goText(goUrlHostname(url)), string: goUrlString(url) }).toEqual(expected);
  });

  it('compares hosts as bytes: distinct escaped bytes stay distinct', () => {
    expect(goUrlHostname(parseGoUrl('https://%FE.example/'))).not.toBe(goUrlHostname(parseGoUrl('https://%FF.example/')));
  });

  it.each([
    ['https://x.dev', ['a/../b/'], 'https://x.dev/b/'],
    ['https://github.com/', ['o/r/.github/workflows/ci.yml@refs/heads/main'], 'https://github.com/o/r/.github/workflows/ci.yml@refs/heads/main'],
    ['https://gitlab.com/', ['g/p', '/-/jobs/', '42'], 'https://gitlab.com/g/p/-/jobs/42'],
    ['https://g.codefresh.io', ['acct', 'proj/pipe:1/2'], 'https://g.codefresh.io/acct/proj/pipe:1/2'],
    ['https://x.dev/base/', ['../../../etc', 'a b?#'], 'https://x.dev/etc/a%20b%3F%23'],
    ['https://x.dev', ['%41'], 'https://x.dev/%41'],
  ])('URL.JoinPath: %s + %j', (base, elems, expected) => {
    expect(joinUrlPath(base, ...elems)).toBe(expected);
  });

  // Go's JoinPath keeps the base path when the joined one holds a malformed escape ("https://x.dev" here): a SAN
  // that silently drops what the token said is refused instead.
  it('refuses a join whose path holds a malformed escape, and a base Go cannot parse', () => {
    expect(() => joinUrlPath('https://x.dev', '%zz')).toThrow(GoUrlError);
    expect(() => joinUrlPath('https://evil.com\\@g.codefresh.io', 'build', '1')).toThrow(GoUrlError);
  });

  it('cleans paths like path.Clean and joins like path.Join', () => {
    const cases: Array<[string, string]> = [['', '.'], ['/', '/'], ['a/b/../..', '.'], ['/../a/./b//', '/a/b'], ['../../a/..', '../..'], ['a/../../b', '../b']];
    for (const [path, clean] of cases) expect(cleanGoPath(path), path).toBe(clean);
    expect([joinGoPath(), joinGoPath('', ''), joinGoPath('', 'a', '', 'b/'), joinGoPath('/', '..')]).toEqual(['', '', 'a/b', '/']);
  });
});

describe('certificateUri', () => {
  it('writes the URI as Go writes it into a certificate', () => {
    expect(certificateUri('HTTPS://example.com/a b')).toBe('https://example.com/a%20b');
    expect(certificateUri('https://kubernetes.io/namespaces/prod/serviceaccounts/api')).toBe('https://kubernetes.io/namespaces/prod/serviceaccounts/api');
  });

  // Go's x509.ParseCertificate refuses these URI SANs (IA5String, url.Parse, domainNameValid at go1.26).
  it.each([
    ['https://evil.com\\@example.com/alice'],
    ['https://example.com./x'],
    ['https://a..b/x'],
    ['https://ex%C3%A9mple.com/'],
    ['https://example.com/?q=\u00e9'],
  ])('refuses %j, which Go could not read back', (value) => {
    expect(() => certificateUri(value)).toThrow(GoUrlError);
  });
});
