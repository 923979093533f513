import { EXTENSION_FIELDS } from './fields.js';
import { RULE_NAME } from './parse-rule.js';
import { API_VERSION, KIND } from './types.js';

type Schema = Record<string, unknown>;

const matcher: Schema = {
  oneOf: [
    { type: 'string', minLength: 1, description: 'exact value' },
    { type: 'object', additionalProperties: false, required: ['exact'], properties: { exact: { type: 'string', minLength: 1 } } },
    {
      type: 'object', additionalProperties: false, required: ['pattern'],
      properties: { pattern: { type: 'string', minLength: 1, maxLength: 1024, description: 'ECMAScript regular expression (flag u), matched against the whole value' } },
    },
    {
      type: 'object', additionalProperties: false, required: ['glob'],
      properties: { glob: { type: 'string', minLength: 1, maxLength: 1024, description: '* = any run but /, ** = any run, ? = one character but /' } },
    },
  ],
};
const matchList: Schema = { oneOf: [{ $ref: '#/$defs/matcher' }, { type: 'array', minItems: 1, items: { $ref: '#/$defs/matcher' } }] };
const ref = (description: string): Schema => ({ $ref: '#/$defs/matchList', description });
const globs = (description: string): Schema => ({ $ref: '#/$defs/matchList', description: `${description}; a bare string is a glob` });

/**
 * The JSON Schema (draft 2020-12) for editors (yaml-language-server: `# yaml-language-server: $schema=…`). Built
 * from the same key tables the parser uses; `policy.schema.json` beside the package is this, written out, and a test
 * keeps the two equal. The parser stays the authority: it also compiles patterns and refuses duplicate rule names.
 */
export function policyJsonSchema(): Schema {
  const fields = Object.fromEntries([
    ['subject', ref('subjectAltName value: email, URI or username')],
    ...EXTENSION_FIELDS.map((f) => [f.name, ref(`${f.title} (${f.oid})`)]),
  ]);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://sigbox.dev/schemas/policy/v1alpha1.json',
    title: 'Sigbox accepted-identities policy',
    type: 'object',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'rules'],
    properties: {
      apiVersion: { const: API_VERSION },
      kind: { const: KIND },
      rules: { type: 'array', minItems: 1, items: { $ref: '#/$defs/rule' } },
    },
    $defs: {
      matcher,
      matchList,
      rule: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'selector'],
        properties: {
          name: { type: 'string', pattern: RULE_NAME.source },
          selector: {
            type: 'object', additionalProperties: false, minProperties: 1,
            properties: { issuer: ref('OIDC issuer (iss)'), subject: ref('subjectAltName value') },
          },
          expectations: {
            type: 'object', additionalProperties: false,
            properties: { ...fields, attestation: { $ref: '#/$defs/attestation' } },
          },
          scope: {
            type: 'object', additionalProperties: false, minProperties: 1,
            properties: { images: globs('image repositories, without tag or digest'), artifacts: globs('artifact names') },
          },
          alertOnAnyUse: { type: 'boolean' },
          rateLimit: {
            type: 'object', additionalProperties: false, required: ['certificates', 'per'],
            properties: { certificates: { type: 'integer', minimum: 1 }, per: { type: 'string', pattern: '^[1-9][0-9]{0,6}(s|m|h|d)$' } },
          },
        },
      },
      attestation: {
        type: 'object', additionalProperties: false, required: ['predicateType'],
        properties: {
          predicateType: { type: 'string', minLength: 1 },
          conditions: {
            type: 'object',
            propertyNames: { pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$' },
            additionalProperties: { $ref: '#/$defs/matchList' },
          },
        },
      },
    },
  };
}
