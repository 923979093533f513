import type { Node } from 'yaml';
import { compilePattern, exact, globToRegExp, MAX_PATTERN_LENGTH } from './matcher.js';
import type { Matcher, MatchList } from './types.js';
import type { NodeReader } from './yaml-node.js';

/**
 * A match list as written: a bare string, a map with exactly one of `exact`, `pattern`, `glob`, or a list of those
 * (any of them). A bare string is exact for identity fields and a glob in `scope`, where names are globs by nature
 * (`registry.example/myorg/*`).
 */
export function readMatchList(r: NodeReader, node: Node, where: string, bare: 'exact' | 'glob' = 'exact'): MatchList {
  if (r.isList(node)) return r.list(node, where).map((item, i) => readMatcher(r, item, `${where}[${i}]`, bare));
  return [readMatcher(r, node, where, bare)];
}

function readMatcher(r: NodeReader, node: Node, where: string, bare: 'exact' | 'glob'): Matcher {
  if (!r.isMap(node)) {
    const source = r.string(node, where);
    if (bare === 'exact') return exact(source);
    if (source.length > MAX_PATTERN_LENGTH) r.fail('INVALID_PATTERN', node, `${where} is longer than ${MAX_PATTERN_LENGTH} characters`);
    return { kind: 'glob', source, regex: globToRegExp(source) };
  }
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
