import type { Matcher, MatchList } from './types.js';

/** Longest pattern accepted: policies are reviewed by people; a longer one is a mistake or an attack on the reviewer. */
export const MAX_PATTERN_LENGTH = 1024;

/**
 * Compile a regular expression with whole-value semantics. Throws the engine's SyntaxError (the parser turns it into
 * a PolicyError at the pattern's line). The `u` flag makes escapes strict, so `\d` means a digit and `\q` is refused.
 */
export function compilePattern(source: string): RegExp {
  return new RegExp(`^(?:${source})$`, 'u');
}

/** `*` = any run without `/`, `**` = any run, `?` = one character but `/`; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[\\^$.|+()[\]{}]/u, '\\$&');
  }
  return new RegExp(`^${out}$`, 'su');
}

export function exact(source: string): Matcher {
  return { kind: 'exact', source, regex: undefined };
}

export function matches(matcher: Matcher, value: string): boolean {
  return matcher.regex === undefined ? value === matcher.source : matcher.regex.test(value);
}

export function matchesAny(list: MatchList, value: string | undefined): boolean {
  return value !== undefined && list.some((m) => matches(m, value));
}

/** How a list reads in a message: `refs/heads/main | pattern refs/tags/v.*`. */
export function describe(list: MatchList): string {
  return list.map((m) => (m.kind === 'exact' ? m.source : `${m.kind} ${m.source}`)).join(' | ');
}
