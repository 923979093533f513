import type { Matcher, MatchList, Rule } from '@sigbox/policy';
import { ExportError } from './error.js';
import { ecmaToRe2, globToRe2, quoteRe2, Re2TranslationError } from './re2.js';

/** One matcher as an unanchored RE2 body; `pattern`s that RE2 cannot run are refused naming rule and line. */
export function matcherToRe2(matcher: Matcher, rule: Rule, where: string): string {
  if (matcher.kind === 'exact') return quoteRe2(matcher.source);
  if (matcher.kind === 'glob') return globToRe2(matcher.source);
  try {
    return ecmaToRe2(matcher.source);
  } catch (err) {
    if (!(err instanceof Re2TranslationError)) throw err;
    throw new ExportError(
      'UNSUPPORTED_PATTERN',
      `rule ${rule.name} (line ${rule.line}): ${where} pattern ${JSON.stringify(matcher.source)} cannot run in Go RE2: ${err.message}`,
      { cause: err, details: { rule: rule.name, line: rule.line } },
    );
  }
}

/**
 * "Any of" a list as ONE anchored RE2 regex: `^(?:a)$` or `^(?:(?:a)|(?:b))$`. Go's regexp.MatchString finds a
 * match anywhere, so the anchors are what keep the policy's whole-value meaning.
 */
export function matchListToRe2(list: MatchList, rule: Rule, where: string): string {
  const bodies = list.map((m) => matcherToRe2(m, rule, where));
  return bodies.length === 1 ? `^(?:${bodies[0]})$` : `^(?:${bodies.map((b) => `(?:${b})`).join('|')})$`;
}

/** A single exact value, when the list is exactly that. */
export function singleExact(list: MatchList): string | undefined {
  return list.length === 1 && list[0]!.kind === 'exact' ? list[0]!.source : undefined;
}
