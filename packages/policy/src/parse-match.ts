import type { Node } from 'yaml';
import { compilePattern, exact, globToRegExp, MAX_PATTERN_LENGTH } from './matcher.js';
import type { Matcher, MatchList } from './types.js';
import type { NodeReader } from './yaml-node.js';

/**
 * A match list as written: a string (exact), a map with exactly one of `exact`, `pattern`, `glob`, or a list of
 * those (any of them). `exactOnly` refuses patterns where a set of values must be exact (none today; kept for
 * scope-less fields later).
 */
export function readMatchList(r: NodeReader, node: Node, where: string): MatchList {
  if (r.isList(node)) return r.list(node, where).map((item, i) => readMatcher(r, item, `${where}[${i}]`));
  return [readMatcher(r, node, where)];
}

function readMatcher(r: NodeReader, node: Node, where: string): Matcher {
  if (!r.isMap(node)) return exact(r.string(node, where));
  const fields = r.fields(node, where, ['exact', 'pattern', 'glob']);
  if (fields.size !== 1) r.fail('INVALID_VALUE', node, `${where}: give exactly one of exact, pattern, glob`);
  const [kind, valueNode] = [...fields][0]!;
  const source = r.string(valueNode, `${where}.${kind}`);
  if (kind === 'exact') return exact(source);
  if (source.length > MAX_PATTERN_LENGTH) r.fail('INVALID_PATTERN', valueNode, `${where}.${kind} is longer than ${MAX_PATTERN_LENGTH} characters`);
  if (kind === 'glob') return { kind: 'glob', source, regex: globToRegExp(source) };
  try {
    return { kind: 'pattern', source, regex: compilePattern(source) };
  } catch (error) {
    return r.fail('INVALID_PATTERN', valueNode, `${where}.pattern: ${(error as Error).message}`, error);
  }
}
