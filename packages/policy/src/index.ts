export { PolicyError, CertificateIdentityError, type PolicyErrorCode } from './error.js';
export { identityFromCertificate } from './certificate-identity.js';
export { EXTENSION_FIELDS, IDENTITY_FIELDS, fieldOfOid, oidOfField, type ExtensionName, type IdentityField } from './fields.js';
export {
  API_VERSION,
  KIND,
  type Policy,
  type Rule,
  type Selector,
  type Expectations,
  type AttestationRequirement,
  type Scope,
  type RateLimit,
  type Matcher,
  type MatchList,
  type Identity,
  type Context,
} from './types.js';
export { parsePolicy, MAX_POLICY_BYTES } from './parse.js';
export { matches, matchesAny, globToRegExp, MAX_PATTERN_LENGTH } from './matcher.js';
export { evaluate, judgeRule, type Evaluation, type RuleVerdict, type FieldFailure } from './evaluate.js';
export { watch, type Alert } from './watch.js';
export { policyJsonSchema } from './schema.js';
