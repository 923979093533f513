import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsePolicy } from './parse.js';
import { policyJsonSchema } from './schema.js';

type Schema = Record<string, unknown>;
const root = policyJsonSchema();

/**
 * The JSON Schema keywords policy.schema.json uses, checked by hand: no JSON Schema validator is a dependency of the
 * workspace, and the schema is small. An unknown keyword fails the test, so the schema cannot outgrow this check.
 */
const KEYWORDS = new Set(['$schema', '$id', 'title', 'description', '$defs', '$ref', 'type', 'const', 'oneOf', 'properties', 'required',
  'additionalProperties', 'minProperties', 'propertyNames', 'minItems', 'items', 'minLength', 'maxLength', 'pattern', 'minimum']);

function valid(schema: Schema, value: unknown): boolean {
  for (const key of Object.keys(schema)) if (!KEYWORDS.has(key)) throw new Error(`keyword ${key} not checked`);
  if (schema.$ref) return valid((root.$defs as Record<string, Schema>)[(schema.$ref as string).replace('#/$defs/', '')]!, value);
  if ('const' in schema && value !== schema.const) return false;
  if (schema.oneOf) return (schema.oneOf as Schema[]).filter((s) => valid(s, value)).length === 1;
  const type = schema.type as string | undefined;
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (type === 'object' && !isObject) return false;
  if (type === 'array' && !Array.isArray(value)) return false;
  if (type === 'string' && typeof value !== 'string') return false;
  if (type === 'integer' && !Number.isInteger(value)) return false;
  if (type === 'boolean' && typeof value !== 'boolean') return false;
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < (schema.minLength as number)) return false;
    if (schema.maxLength !== undefined && value.length > (schema.maxLength as number)) return false;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern as string, 'u').test(value)) return false;
  }
  if (typeof value === 'number' && schema.minimum !== undefined && value < (schema.minimum as number)) return false;
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < (schema.minItems as number)) return false;
    if (schema.items && !value.every((v) => valid(schema.items as Schema, v))) return false;
  }
  if (isObject) {
    const entries = Object.entries(value as Record<string, unknown>);
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    if (schema.minProperties !== undefined && entries.length < (schema.minProperties as number)) return false;
    if (((schema.required ?? []) as string[]).some((k) => !(k in (value as object)))) return false;
    for (const [k, v] of entries) {
      if (schema.propertyNames && !valid(schema.propertyNames as Schema, k)) return false;
      if (props[k]) {
        if (!valid(props[k], v)) return false;
      } else if (schema.additionalProperties === false) return false;
      else if (typeof schema.additionalProperties === 'object' && !valid(schema.additionalProperties as Schema, v)) return false;
    }
  }
  return true;
}

const example = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8');
const HEAD = 'apiVersion: policy.sigbox.dev/v1alpha1\nkind: AcceptedIdentities\nrules:\n  - name: r\n';

describe('policy.schema.json', () => {
  it('is policyJsonSchema() written out', () => {
    const file = JSON.parse(readFileSync(new URL('../policy.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(file).toEqual(root);
  });

  it.each(['github-release.yaml', 'minimal.yaml'])('accepts the example %s, as the parser does', (name) => {
    expect(() => parsePolicy(example(name))).not.toThrow();
    expect(valid(root, parse(example(name)))).toBe(true);
  });

  it.each([
    ['misspelt key', '    selecter: { issuer: a }\n'],
    ['empty selector', '    selector: {}\n'],
    ['unknown expectation', '    selector: { issuer: a }\n    expectations: { workflowRef: main }\n'],
    ['two matcher kinds', '    selector: { issuer: { exact: a, glob: b } }\n'],
    ['bad duration', '    selector: { issuer: a }\n    rateLimit: { certificates: 3, per: 1w }\n'],
    ['bad condition path', '    selector: { issuer: a }\n    expectations: { attestation: { predicateType: t, conditions: { "a..b": x } } }\n'],
  ])('refuses %s, as the parser does', (_name, body) => {
    expect(() => parsePolicy(HEAD + body)).toThrow();
    expect(valid(root, parse(HEAD + body))).toBe(false);
  });
});
