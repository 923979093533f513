import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PolicyError, type PolicyErrorCode } from './error.js';
import { parsePolicy } from './parse.js';

const example = (name: string) => readFileSync(new URL(`../examples/${name}`, import.meta.url), 'utf8');
const HEAD = 'apiVersion: policy.sigbox.dev/v1alpha1\nkind: AcceptedIdentities\nrules:\n';

function failure(text: string): PolicyError {
  try {
    parsePolicy(text);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return error as PolicyError;
  }
  throw new Error('parsed');
}

describe('parsePolicy', () => {
  it('reads the full example', () => {
    const policy = parsePolicy(example('github-release.yaml'));
    expect(policy.rules.map((r) => [r.name, r.line, r.alertOnAnyUse])).toEqual([['myorg-release', 7, false], ['break-glass', 28, true]]);
    const [release] = policy.rules;
    expect(release!.expectations.fields.map((f) => f.field)).toEqual(['issuer', 'sourceRepositoryRef', 'buildConfigURI', 'buildTrigger', 'runnerEnvironment']);
    expect(release!.expectations.fields[1]!.match.map((m) => m.kind)).toEqual(['exact', 'glob']);
    expect(release!.expectations.attestation).toMatchObject({ predicateType: 'https://slsa.dev/provenance/v1', conditions: [{ path: 'buildDefinition.buildType' }] });
    expect(release!.rateLimit).toEqual({ certificates: 100, perSeconds: 3600 });
    expect(policy.rules[1]!.rateLimit).toEqual({ certificates: 5, perSeconds: 86400 });
  });

  it('reads the minimal example', () => {
    expect(parsePolicy(example('minimal.yaml')).rules[0]!.selector.subject!.map((m) => m.kind)).toEqual(['glob', 'exact']);
  });

  const rule = (body: string) => `${HEAD}  - name: r\n${body}`;
  const cases: Array<[string, string, PolicyErrorCode, number]> = [
    ['YAML syntax', `${HEAD}  - name: [unclosed\n`, 'YAML_SYNTAX', 5],
    ['duplicate key', rule('    selector: { issuer: a }\n    selector: { issuer: b }\n'), 'YAML_SYNTAX', 6],
    ['wrong apiVersion', 'apiVersion: v2\nkind: AcceptedIdentities\nrules: []\n', 'UNSUPPORTED_VERSION', 1],
    ['wrong kind', 'apiVersion: policy.sigbox.dev/v1alpha1\nkind: Other\nrules: [x]\n', 'INVALID_VALUE', 2],
    ['unknown top-level key', `${HEAD}  - name: r\n    selector: { issuer: a }\nextra: 1\n`, 'UNKNOWN_KEY', 6],
    ['empty rules', 'apiVersion: policy.sigbox.dev/v1alpha1\nkind: AcceptedIdentities\nrules: []\n', 'INVALID_VALUE', 3],
    ['misspelt selector', rule('    selecter: { issuer: a }\n'), 'UNKNOWN_KEY', 5],
    ['missing selector', rule('    alertOnAnyUse: true\n'), 'MISSING_KEY', 4],
    ['empty selector', rule('    selector: {}\n'), 'MISSING_KEY', 5],
    ['unknown expectation', rule('    selector: { issuer: a }\n    expectations:\n      workflowRef: main\n'), 'UNKNOWN_KEY', 7],
    ['bad pattern', rule('    selector:\n      subject: { pattern: "(" }\n'), 'INVALID_PATTERN', 6],
    ['non-u escape', rule('    selector:\n      subject: { pattern: "\\\\q" }\n'), 'INVALID_PATTERN', 6],
    ['two matcher kinds', rule('    selector:\n      subject: { exact: a, pattern: b }\n'), 'INVALID_VALUE', 6],
    ['number as value', rule('    selector:\n      issuer: 42\n'), 'INVALID_VALUE', 6],
    ['empty string', rule('    selector:\n      issuer: ""\n'), 'INVALID_VALUE', 6],
    ['bad name', `${HEAD}  - name: Release_1\n    selector: { issuer: a }\n`, 'INVALID_VALUE', 4],
    ['duplicate rule', `${HEAD}  - name: r\n    selector: { issuer: a }\n  - name: r\n    selector: { issuer: b }\n`, 'DUPLICATE_RULE', 6],
    ['alertOnAnyUse not boolean', rule('    selector: { issuer: a }\n    alertOnAnyUse: "yes"\n'), 'INVALID_VALUE', 6],
    ['bad duration', rule('    selector: { issuer: a }\n    rateLimit: { certificates: 3, per: 1w }\n'), 'INVALID_VALUE', 6],
    ['zero certificates', rule('    selector: { issuer: a }\n    rateLimit: { certificates: 0, per: 1h }\n'), 'INVALID_VALUE', 6],
    ['empty scope', rule('    selector: { issuer: a }\n    scope: {}\n'), 'MISSING_KEY', 6],
    ['attestation without type', rule('    selector: { issuer: a }\n    expectations:\n      attestation: { conditions: {} }\n'), 'MISSING_KEY', 7],
    ['bad condition path', rule('    selector: { issuer: a }\n    expectations:\n      attestation:\n        predicateType: t\n        conditions: { "a..b": x }\n'), 'INVALID_VALUE', 9],
    ['alias', `${HEAD}  - name: r\n    selector: &s { issuer: a }\n  - name: q\n    selector: *s\n`, 'INVALID_VALUE', 7],
    ['not a map', 'just a string\n', 'INVALID_VALUE', 1],
  ];
  it.each(cases)('refuses %s with a code and the line', (_name, text, code, line) => {
    const error = failure(text);
    expect({ code: error.code, line: error.line }).toEqual({ code, line });
    expect(error.message).toMatch(new RegExp(`^${line}:\\d+: `));
  });
});
