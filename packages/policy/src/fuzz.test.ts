import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { PolicyError } from './error.js';
import { evaluate } from './evaluate.js';
import { parsePolicy } from './parse.js';
import { watch } from './watch.js';

const example = readFileSync(new URL('../examples/github-release.yaml', import.meta.url), 'utf8');
const SEED = 0x5167b0c;

/** parsePolicy either returns a policy that evaluate and watch handle, or throws a PolicyError: nothing else. */
function parsesOrPolicyError(text: string): void {
  try {
    const policy = parsePolicy(text);
    evaluate(policy, { issuer: 'https://x', subject: 'a@b' }, { image: 'r/x', attestations: [] });
    watch(policy, { issuer: 'https://x', subject: 'a@b' });
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    expect(error.line).toBeGreaterThanOrEqual(1);
    expect(error.column).toBeGreaterThanOrEqual(1);
  }
}

/** Replace, delete or insert one random character run: syntax mistakes, truncations, stray indentation. */
const textMutation = fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 6, unit: fc.constantFrom(...' :-[]{}"\'&*!|>#\n\t\\.^$()?a1') }));

/** Replace a random node of the parsed example by a random JSON value: wrong types, empty maps, odd keys. */
function replaceAt(doc: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || doc === null || typeof doc !== 'object') return value;
  const entries = Object.entries(doc as Record<string, unknown>);
  if (entries.length === 0) return value;
  const [key, child] = entries[path[0]! % entries.length]!;
  const copy: Record<string, unknown> = Array.isArray(doc) ? [...doc] as unknown as Record<string, unknown> : { ...(doc as object) };
  copy[key] = replaceAt(child, path.slice(1), value);
  return copy;
}

describe('parsePolicy on hostile input', () => {
  it('random text throws only PolicyError', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => parsesOrPolicyError(text)), { seed: SEED, numRuns: 500 });
  });

  it('mutated text of the full example throws only PolicyError', () => {
    fc.assert(
      fc.property(fc.array(textMutation, { minLength: 1, maxLength: 4 }), (edits) => {
        let text = example;
        for (const [at, remove, insert] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + remove);
        }
        parsesOrPolicyError(text);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('structurally mutated documents throw only PolicyError', () => {
    const doc = parse(example) as unknown;
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 7 }), fc.jsonValue({ maxDepth: 3 }), (path, value) => {
        parsesOrPolicyError(stringify(replaceAt(doc, path, value)));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('random patterns compile or fail as INVALID_PATTERN at their line', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20, unit: fc.constantFrom(...'()[]{}*+?.^$|\\dwsa-,0123') }), (pattern) => {
        const text = `apiVersion: policy.sigbox.dev/v1alpha1\nkind: AcceptedIdentities\nrules:\n  - name: r\n    selector:\n      subject: { pattern: ${JSON.stringify(pattern)} }\n`;
        try {
          parsePolicy(text);
        } catch (error) {
          expect(error).toBeInstanceOf(PolicyError);
          expect((error as PolicyError).code).toBe('INVALID_PATTERN');
          expect((error as PolicyError).line).toBe(6);
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
