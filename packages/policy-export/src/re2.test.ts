import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTool } from '@sigbox/testkit';
import { globToRegExp } from '@sigbox/policy';
import { describe, expect, it } from 'vitest';
import { ecmaToRe2, globToRe2, quoteRe2, Re2TranslationError } from './re2.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** ECMAScript source → exact RE2 text expected. */
const TRANSLATIONS: Array<[string, string]> = [
  ['abc', 'abc'],
  ['a.c', 'a[^\\n\\r\\x{2028}\\x{2029}]c'],
  ['\\.', '\\.'],
  ['\\/', '\\/'],
  ['\\d+\\w*\\b', '\\d+\\w*\\b'],
  ['(?<tag>v\\d+)', '(?P<tag>v\\d+)'],
  ['(?:a|b)', '(?:a|b)'],
  ['[a-z\\-]', '[a-z\\-]'],
  ['[\\b]', '[\\x{8}]'],
  ['[^]', '[\\x{0}-\\x{10ffff}]'],
  ['[[]', '[\\[]'],
  ['\\u00e9', '\\x{e9}'],
  ['\\u{1F600}', '\\x{1f600}'],
  ['\\uD83D\\uDE00', '\\x{1f600}'],
  ['\\x41\\cJ\\0', '\\x{41}\\x{a}\\x{0}'],
  ['\\p{Lu}', '\\p{Lu}'],
  ['a{2,1000}', 'a{2,1000}'],
  ['😀.', '😀[^\\n\\r\\x{2028}\\x{2029}]'],
];

const REFUSED: Array<[string, RegExp]> = [
  ['a(?=b)', /lookaround/u],
  ['a(?!b)', /lookaround/u],
  ['(?<=a)b', /lookaround/u],
  ['(?<!a)b', /lookaround/u],
  ['(a)\\1', /backreference/u],
  ['(?<n>a)\\k<n>', /named backreference/u],
  ['a{1001}', /repetition count/u],
  ['a{1,1001}', /repetition count/u],
  ['\\p{Script=Greek}', /Unicode property/u],
  ['(?i:a)', /modifier group/u],
  ['[\\S]', /\\S inside a class/u],
  ['[]', /empty class/u],
  ['\\uD83D', /lone surrogate/u],
];

describe('ecmaToRe2', () => {
  it.each(TRANSLATIONS)('%s → %s', (source, expected) => {
    new RegExp(source, 'u'); // every row is a valid policy pattern
    expect(ecmaToRe2(source)).toBe(expected);
  });

  it.each(REFUSED)('refuses %s', (source, why) => {
    new RegExp(source, 'u');
    expect(() => ecmaToRe2(source)).toThrow(Re2TranslationError);
    expect(() => ecmaToRe2(source)).toThrow(why);
  });

  it('quotes literals and translates globs with the policy semantics', () => {
    expect(quoteRe2('a.b*c?(d)[e]{f}|^$\\')).toBe('a\\.b\\*c\\?\\(d\\)\\[e\\]\\{f\\}\\|\\^\\$\\\\');
    expect(globToRe2('refs/tags/v*')).toBe('refs/tags/v[^/]*');
    expect(globToRe2('registry.example/**')).toBe('registry\\.example/(?s:.*)');
    expect(globToRe2('a?c')).toBe('a[^/]c');
  });
});

/**
 * The translation must MEAN the same: every pattern is run by JavaScript (`^(?:p)$`, flag u, as the policy compiles
 * it) and by Go's regexp on the translated text (`^(?:t)$`, as the exports emit it) over inputs chosen at the
 * differences (line terminators, Unicode spaces, astral characters, slashes).
 */
describe('ecmaToRe2 agrees with Go regexp', () => {
  const go = findTool({ command: 'go', why: 'runs Go regexp (RE2) as the reference for the translator' });
  const INPUTS = ['', 'a', 'abc', 'a\nc', 'a\rc', 'a\u2028c', 'a\u00a0c', 'a c', 'a\tc', 'a/c', 'a😀c', 'v12', 'V12', 'a-b', 'é', '😀x', 'x'.repeat(3)];
  const PATTERNS = [
    'a.c', 'a\\sc', 'a\\Sc', 'a[\\s/]c', 'a[^\\s]c', '.*', '[^]*', '\\w+', '\\d+', 'v\\d+|V\\d+', '(?<n>a)(?:b)c',
    'a[^/]c', '\\u00e9', '\\u{1F600}.', '\\uD83D\\uDE00x', 'a\\x2db', 'a{1,3}', '[a-c]{3}', 'a(?:/|\\/)c', '^abc$', '\\bV\\d',
  ];
  it.skipIf(go === undefined)('on a table of patterns × inputs', () => {
    const GLOBS = ['a*', 'a?c', 'a/**', '**c', 'a.c', 'x*x*x'];
    const items = [
      ...PATTERNS.map((p) => ({ re: `^(?:${ecmaToRe2(p)})$`, inputs: INPUTS })),
      ...GLOBS.map((g) => ({ re: `^(?:${globToRe2(g)})$`, inputs: INPUTS })),
    ];
    const out = execFileSync(go!, ['run', path.join(here, '../testdata/re2-match.go')], { input: JSON.stringify(items), encoding: 'utf8', env: { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'off' } });
    const results = JSON.parse(out) as Array<{ error?: string; matches: boolean[] }>;
    PATTERNS.forEach((p, i) => {
      expect(results[i]!.error, p).toBeUndefined();
      const js = new RegExp(`^(?:${p})$`, 'u');
      expect(results[i]!.matches, p).toEqual(INPUTS.map((s) => js.test(s)));
    });
    GLOBS.forEach((g, k) => {
      const r = results[PATTERNS.length + k]!;
      expect(r.error, g).toBeUndefined();
      expect(r.matches, g).toEqual(INPUTS.map((s) => globToRegExp(g).test(s)));
    });
  }, 120_000);
});
