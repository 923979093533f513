import type { Node } from 'yaml';
import { IDENTITY_FIELDS, type IdentityField } from './fields.js';
import { readMatchList } from './parse-match.js';
import type { AttestationRequirement, Expectations, RateLimit, Rule, Scope, Selector } from './types.js';
import type { NodeReader } from './yaml-node.js';

const RULE_KEYS = ['name', 'selector', 'expectations', 'scope', 'alertOnAnyUse', 'rateLimit'] as const;
const SELECTOR_KEYS = ['issuer', 'subject'] as const;
const EXPECTATION_KEYS = [...IDENTITY_FIELDS, 'attestation'] as const;
const ATTESTATION_KEYS = ['predicateType', 'conditions'] as const;
const SCOPE_KEYS = ['images', 'artifacts'] as const;
const RATE_LIMIT_KEYS = ['certificates', 'per'] as const;
export const KEYS = { RULE_KEYS, SELECTOR_KEYS, EXPECTATION_KEYS, ATTESTATION_KEYS, SCOPE_KEYS, RATE_LIMIT_KEYS };

/** Names are identifiers in alerts, metrics labels and exports: keep them boring. */
export const RULE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/u;
const DURATION = /^([1-9][0-9]{0,6})(s|m|h|d)$/u;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

export function readRule(r: NodeReader, node: Node, where: string): Rule {
  const f = r.fields(node, where, RULE_KEYS, ['name', 'selector']);
  const name = r.string(f.get('name')!, `${where}.name`);
  if (!RULE_NAME.test(name)) r.fail('INVALID_VALUE', f.get('name'), `${where}.name must be lower-case letters, digits and dashes (at most 63)`);
  const scope = f.get('scope');
  const rateLimit = f.get('rateLimit');
  return {
    name,
    line: r.position(node).line,
    selector: readSelector(r, f.get('selector')!, `rule ${name}: selector`),
    expectations: f.has('expectations') ? readExpectations(r, f.get('expectations')!, `rule ${name}: expectations`) : { fields: [] },
    ...(scope ? { scope: readScope(r, scope, `rule ${name}: scope`) } : {}),
    alertOnAnyUse: f.has('alertOnAnyUse') ? r.boolean(f.get('alertOnAnyUse')!, `rule ${name}: alertOnAnyUse`) : false,
    ...(rateLimit ? { rateLimit: readRateLimit(r, rateLimit, `rule ${name}: rateLimit`) } : {}),
  };
}

function readSelector(r: NodeReader, node: Node, where: string): Selector {
  // A selector that names neither would select every certificate: say so with `subject: {pattern: ".*"}` on purpose.
  const f = r.fields(node, where, SELECTOR_KEYS);
  if (f.size === 0) r.fail('MISSING_KEY', node, `${where}: name an issuer, a subject or both`);
  const issuer = f.get('issuer');
  const subject = f.get('subject');
  return {
    ...(issuer ? { issuer: readMatchList(r, issuer, `${where}.issuer`) } : {}),
    ...(subject ? { subject: readMatchList(r, subject, `${where}.subject`) } : {}),
  };
}

function readExpectations(r: NodeReader, node: Node, where: string): Expectations {
  const f = r.fields(node, where, EXPECTATION_KEYS);
  const fields = [...f]
    .filter(([key]) => key !== 'attestation')
    .map(([key, value]) => ({ field: key as IdentityField, match: readMatchList(r, value, `${where}.${key}`) }));
  const attestation = f.get('attestation');
  return { fields, ...(attestation ? { attestation: readAttestation(r, attestation, `${where}.attestation`) } : {}) };
}

function readAttestation(r: NodeReader, node: Node, where: string): AttestationRequirement {
  const f = r.fields(node, where, ATTESTATION_KEYS, ['predicateType']);
  const predicateType = r.string(f.get('predicateType')!, `${where}.predicateType`);
  const conditionsNode = f.get('conditions');
  if (!conditionsNode) return { predicateType, conditions: [] };
  if (!r.isMap(conditionsNode)) r.fail('INVALID_VALUE', conditionsNode, `${where}.conditions must be a map of path: value`);
  const paths = [...(conditionsNode as unknown as { items: Array<{ key: Node }> }).items].map((p) => String((p.key as { value?: unknown }).value));
  const conditions = [...r.fields(conditionsNode, `${where}.conditions`, paths)].map(([path, value]) => {
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/u.test(path)) r.fail('INVALID_VALUE', value, `${where}.conditions: "${path}" is not a dotted path`);
    return { path, match: readMatchList(r, value, `${where}.conditions.${path}`) };
  });
  return { predicateType, conditions };
}

function readScope(r: NodeReader, node: Node, where: string): Scope {
  const f = r.fields(node, where, SCOPE_KEYS);
  if (f.size === 0) r.fail('MISSING_KEY', node, `${where}: name images, artifacts or both (or leave scope out to cover everything)`);
  const images = f.get('images');
  const artifacts = f.get('artifacts');
  return {
    ...(images ? { images: readMatchList(r, images, `${where}.images`, 'glob') } : {}),
    ...(artifacts ? { artifacts: readMatchList(r, artifacts, `${where}.artifacts`, 'glob') } : {}),
  };
}

function readRateLimit(r: NodeReader, node: Node, where: string): RateLimit {
  const f = r.fields(node, where, RATE_LIMIT_KEYS, ['certificates', 'per']);
  const certificates = r.positiveInteger(f.get('certificates')!, `${where}.certificates`);
  const per = r.string(f.get('per')!, `${where}.per`);
  const m = DURATION.exec(per);
  if (!m) r.fail('INVALID_VALUE', f.get('per'), `${where}.per must be a duration like 30s, 10m, 1h or 1d`);
  return { certificates, perSeconds: Number(m![1]) * UNIT_SECONDS[m![2] as keyof typeof UNIT_SECONDS] };
}
