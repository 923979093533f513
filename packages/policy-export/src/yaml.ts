import { stringify } from 'yaml';

/**
 * Deterministic YAML: objects are built in a fixed key order by the exporters, so the same input gives the same
 * bytes; no line folding (PEM and regexes stay byte-exact), block literals for multi-line strings.
 */
export function toYaml(documents: readonly unknown[]): string {
  return documents.map((d) => stringify(d, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}
