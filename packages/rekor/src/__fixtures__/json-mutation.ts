import fc from 'fast-check';
import { encoding } from '@sigbox/core';

/**
 * Mutations of a JSON document that also reach into its encoded layers: a string holding JSON (a DSSE envelope)
 * and a base64 string holding text (a PEM key, a payload, base64 again) are decoded, mutated and re-encoded, so
 * a mutated entry still gets past the outer parsing and into the layer under test.
 */

/** One place in the document, including the inside of encoded strings. */
interface Slot {
  readonly value: unknown;
  set(value: unknown): void;
  remove(): void;
}

/** An encoded layer: its decoded value, and how to write a (mutated) value back. */
interface Layer {
  value: unknown;
  readonly encode: (value: unknown) => string;
}

const BASE64 = /^[A-Za-z0-9+/]{8,}={0,2}$/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value) ?? '');

function decodeLayer(text: string): Layer | undefined {
  const head = text.trimStart()[0];
  if (head === '{' || head === '[') {
    try {
      return { value: JSON.parse(text) as unknown, encode: asText };
    } catch {
      return undefined;
    }
  }
  if (!BASE64.test(text)) return undefined;
  try {
    const decoded = strictUtf8.decode(encoding.fromBase64(text));
    return { value: decoded, encode: (value) => encoding.toBase64(encoding.utf8(asText(value))) };
  } catch {
    return undefined;
  }
}

/** Every slot of `root` (depth first), and the write-backs of the encoded layers, innermost last. */
function collect(root: { doc: unknown }): { slots: Slot[]; commits: Array<() => void> } {
  const slots: Slot[] = [];
  const commits: Array<() => void> = [];
  const visit = (value: unknown, set: (v: unknown) => void, remove: () => void, depth: number): void => {
    slots.push({ value, set, remove });
    if (depth > 8) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, (v) => void (value[i] = v), () => void value.splice(i, 1), depth + 1));
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) visit(record[key], (v) => void (record[key] = v), () => void delete record[key], depth + 1);
    } else if (typeof value === 'string') {
      const layer = decodeLayer(value);
      if (layer === undefined) return;
      commits.push(() => set(layer.encode(layer.value)));
      visit(layer.value, (v) => void (layer.value = v), remove, depth + 1);
    }
  };
  visit(root.doc, (v) => void (root.doc = v), () => void (root.doc = undefined), 0);
  return { slots, commits };
}

export type Mutation =
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'remove'; at: number }
  | { op: 'truncate'; at: number; n: number }
  | { op: 'poke'; at: number; n: number; char: string }
  | { op: 'double'; at: number }
  | { op: 'repeat'; at: number; n: number };

/** Edits that keep a string nearly intact (padding, line breaks, PEM dashes, multi-byte UTF-8), so parsers get far. */
const POKE_CHARS = ['=', '\n', '\r', '-', 'A', '/', '_', '{', '"', '\\', ' ', '\u00e9', '\u0000'];

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ op: fc.constant('remove' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat(), n: fc.nat() }),
  fc.record({ op: fc.constant('poke' as const), at: fc.nat(), n: fc.nat(), char: fc.constantFrom(...POKE_CHARS) }),
  fc.record({ op: fc.constant('double' as const), at: fc.nat() }),
  // Up to 12 copies of an item: past the limits of signatures and verifiers.
  fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 12 }) }),
);

function apply(slot: Slot, m: Mutation): void {
  const { value } = slot;
  switch (m.op) {
    case 'replace':
      return slot.set(m.value);
    case 'remove':
      return slot.remove();
    case 'truncate':
      if (typeof value === 'string') slot.set(value.slice(0, m.n % (value.length + 1)));
      else if (Array.isArray(value)) slot.set(value.slice(0, m.n % (value.length + 1)));
      return;
    case 'poke':
      if (typeof value === 'string') {
        const i = m.n % (value.length + 1);
        slot.set(value.slice(0, i) + m.char + value.slice(i + 1));
      }
      return;
    case 'double':
      if (typeof value === 'string') slot.set(value + value);
      else if (Array.isArray(value)) slot.set([...value, ...value]);
      return;
    case 'repeat':
      if (Array.isArray(value) && value.length > 0) slot.set([...value, ...Array.from({ length: m.n }, () => structuredClone(value[0]))]);
      return;
  }
}

/** A deep copy of `doc` with each mutation applied in turn (a mutation picks its place among all slots, modulo). */
export function mutate(doc: unknown, mutations: readonly Mutation[]): unknown {
  const root = { doc: structuredClone(doc) };
  for (const m of mutations) {
    const { slots, commits } = collect(root);
    apply(slots[m.at % slots.length] as Slot, m);
    for (const commit of commits.reverse()) commit();
  }
  return root.doc;
}
