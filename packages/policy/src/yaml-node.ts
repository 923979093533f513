import { isAlias, isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { PolicyError, type PolicyErrorCode } from './error.js';

/**
 * Typed reads of the YAML syntax tree that fail with the node's line. Every map is read through `fields`, which
 * refuses keys the format does not define: a typo (`selecter:`) must not silently widen what a rule accepts.
 */
export class NodeReader {
  constructor(private readonly lines: LineCounter) {}

  position(node: Node | Pair | null | undefined): { line: number; column: number } {
    const range = node && 'range' in node ? node.range : undefined;
    const key = node && 'key' in node ? (node.key as Node | null) : undefined;
    const offset = range?.[0] ?? key?.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  fail(code: PolicyErrorCode, node: Node | Pair | null | undefined, message: string, cause?: unknown): never {
    throw new PolicyError(code, message, this.position(node), cause);
  }

  /** The map's entries by key, after refusing unknown and duplicate keys and checking required ones. */
  fields(node: Node | null | undefined, where: string, known: readonly string[], required: readonly string[] = []): Map<string, Node> {
    if (isAlias(node)) this.fail('INVALID_VALUE', node, `${where}: YAML aliases are not supported`);
    if (!isMap(node)) this.fail('INVALID_VALUE', node, `${where} must be a map`);
    const out = new Map<string, Node>();
    for (const pair of (node as YAMLMap<unknown, unknown>).items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) && typeof keyNode.value === 'string' ? keyNode.value : undefined;
      if (key === undefined) this.fail('INVALID_VALUE', keyNode ?? node, `${where}: keys must be strings`);
      if (!known.includes(key)) this.fail('UNKNOWN_KEY', keyNode, `${where}: unknown key "${key}" (known: ${known.join(', ')})`);
      out.set(key, (pair.value ?? keyNode) as Node);
      if (pair.value === null || pair.value === undefined) this.fail('INVALID_VALUE', keyNode, `${where}.${key} has no value`);
    }
    for (const key of required) if (!out.has(key)) this.fail('MISSING_KEY', node, `${where}: missing "${key}"`);
    return out;
  }

  string(node: Node, where: string): string {
    if (!isScalar(node) || typeof node.value !== 'string') this.fail('INVALID_VALUE', node, `${where} must be a string`);
    const value = (node as { value: string }).value;
    if (value.length === 0) this.fail('INVALID_VALUE', node, `${where} must not be empty`);
    return value;
  }

  boolean(node: Node, where: string): boolean {
    if (!isScalar(node) || typeof node.value !== 'boolean') this.fail('INVALID_VALUE', node, `${where} must be true or false`);
    return (node as { value: boolean }).value;
  }

  positiveInteger(node: Node, where: string): number {
    const value = isScalar(node) ? node.value : undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) this.fail('INVALID_VALUE', node, `${where} must be a positive integer`);
    return value as number;
  }

  list(node: Node, where: string): Node[] {
    if (!isSeq(node)) this.fail('INVALID_VALUE', node, `${where} must be a list`);
    const items = (node as YAMLSeq<unknown>).items as Node[];
    if (items.length === 0) this.fail('INVALID_VALUE', node, `${where} must not be empty`);
    return items;
  }

  isList(node: Node): boolean {
    return isSeq(node);
  }

  isMap(node: Node): boolean {
    return isMap(node);
  }
}
