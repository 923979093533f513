import { LineCounter, parseDocument } from 'yaml';
import { PolicyError } from './error.js';
import { readRule } from './parse-rule.js';
import { API_VERSION, KIND, type Policy, type Rule } from './types.js';
import { NodeReader } from './yaml-node.js';

/** Larger files are refused before parsing: a policy is a reviewed file of rules, not a data dump. */
export const MAX_POLICY_BYTES = 1024 * 1024;

/**
 * Parse and check an accepted-identities policy. Throws PolicyError (with `line`/`column`) and nothing else: YAML
 * syntax, duplicate keys, unknown keys, wrong types, bad patterns, duplicate rule names, unknown `apiVersion`.
 *
 * @example
 * const policy = parsePolicy(readFileSync('policy.yaml', 'utf8'));
 * evaluate(policy, { issuer, subject, extensions }, { image: 'registry.example/myorg/app' });
 */
export function parsePolicy(text: string): Policy {
  if (text.length > MAX_POLICY_BYTES) throw new PolicyError('INVALID_VALUE', `policy is larger than ${MAX_POLICY_BYTES} bytes`, { line: 1, column: 1 });
  const lines = new LineCounter();
  // uniqueKeys: a second `issuer:` in one map must be an error, not "the last one wins".
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true, version: '1.2' });
  const syntax = doc.errors[0];
  if (syntax) {
    const pos = syntax.linePos?.[0] ?? lines.linePos(syntax.pos[0]);
    throw new PolicyError('YAML_SYNTAX', syntax.message.split('\n')[0]!, { line: pos.line, column: pos.col }, syntax);
  }
  const r = new NodeReader(lines);
  const root = r.fields(doc.contents as never, 'policy', ['apiVersion', 'kind', 'rules'], ['apiVersion', 'kind', 'rules']);
  if (r.string(root.get('apiVersion')!, 'apiVersion') !== API_VERSION) {
    r.fail('UNSUPPORTED_VERSION', root.get('apiVersion'), `apiVersion must be ${API_VERSION}`);
  }
  if (r.string(root.get('kind')!, 'kind') !== KIND) r.fail('INVALID_VALUE', root.get('kind'), `kind must be ${KIND}`);
  const rules: Rule[] = [];
  for (const [i, node] of r.list(root.get('rules')!, 'rules').entries()) {
    const rule = readRule(r, node, `rules[${i}]`);
    const first = rules.find((x) => x.name === rule.name);
    if (first) r.fail('DUPLICATE_RULE', node, `rule name "${rule.name}" is already used on line ${first.line}`);
    rules.push(rule);
  }
  return { apiVersion: API_VERSION, kind: KIND, rules };
}
