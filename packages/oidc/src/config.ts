import { parse as parseYaml } from 'yaml';
import { type ConfigFormat, EXTENSION_KEYS, ISSUER_KEYS, METADATA_KEYS, ROOT_KEYS, member } from './config-keys.js';
import {
  DEFAULT_CLIENT_ID, ISSUER_TYPES, type IssuerConfig, type IssuerMetadata, type IssuerType, type OidcIssuerConfig,
} from './config-types.js';
import { validateIssuerConfig } from './config-validate.js';
import { OidcConfigError } from './error.js';
import type { ExtensionField } from './extensions.js';

type Obj = Readonly<Record<string, unknown>>;

/**
 * Loads a Fulcio issuer config file as is (`--config-path`, fulcio pkg/config/config.go `Read`). Without a
 * `format`, JSON is tried first and YAML second, exactly as upstream's `parseConfig`; the format decides the key
 * names (`OIDCIssuers` vs `oidc-issuers`).
 *
 * @example
 * const config = loadIssuerConfig(await readFile('/etc/fulcio-config/config.yaml', 'utf8'));
 * const registry = createIssuerRegistry(config);
 */
export function loadIssuerConfig(text: string, format?: ConfigFormat): IssuerConfig {
  if (format !== 'yaml') {
    try {
      return parseIssuerConfig(JSON.parse(text), 'json');
    } catch (err) {
      if (format === 'json' || !(err instanceof SyntaxError)) throw wrapParse(err);
    }
  }
  let document: unknown;
  try {
    document = parseYaml(goYamlAliasKeys(text), { maxAliasCount: 1000 });
  } catch (err) {
    throw wrapParse(err);
  }
  return parseIssuerConfig(document ?? {}, 'yaml');
}

/**
 * fulcio's config.yaml keys `ci-issuer-metadata` by alias (`*github-type:`). go-yaml limits anchor names to
 * `[0-9A-Za-z_-]`, so the colon ends the alias; YAML 1.2 (and the `yaml` package) allows `:` inside the name.
 * Rewriting a block-mapping alias key to `*name :` gives both the same reading.
 */
function goYamlAliasKeys(text: string): string {
  return text.replace(/^(\s*(?:-\s+)?)\*([0-9A-Za-z_-]+):(?=\s|$)/gm, '$1*$2 :');
}

function wrapParse(err: unknown): OidcConfigError {
  if (err instanceof OidcConfigError) return err;
  return new OidcConfigError('PARSE_ERROR', `unmarshal: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** Validates an already-decoded config object; `format` names its key style (default JSON, as upstream tries first). */
export function parseIssuerConfig(obj: unknown, format: ConfigFormat = 'json'): IssuerConfig {
  const root = asObject(obj, 'config');
  const issuers = (keys: readonly [string, string]) => new Map(
    Object.entries(asObject(member(root, keys, format) ?? {}, keys[0])).map(([url, raw]) => [url, decodeIssuer(raw, url, format)]),
  );
  const metadata = asObject(member(root, ROOT_KEYS.ciIssuerMetadata, format) ?? {}, 'CIIssuerMetadata');
  const config: IssuerConfig = {
    oidcIssuers: issuers(ROOT_KEYS.oidcIssuers),
    metaIssuers: issuers(ROOT_KEYS.metaIssuers),
    ciIssuerMetadata: new Map(Object.entries(metadata).map(([name, raw]) => [name, decodeMetadata(raw, name, format)])),
  };
  validateIssuerConfig(config);
  return config;
}

/** Fills an issuer entry given programmatically (e.g. the development issuer) with Fulcio's zero values. */
export function issuerEntry(input: Partial<OidcIssuerConfig> & { issuerUrl: string; type: IssuerType }): OidcIssuerConfig {
  return {
    clientId: DEFAULT_CLIENT_ID, ciProvider: '', issuerClaim: '', subjectDomain: '', spiffeTrustDomain: '',
    challengeClaim: '', description: '', contact: '', environment: '', caCert: '', skipEmailVerification: false,
    ...input,
  };
}

function decodeIssuer(raw: unknown, key: string, format: ConfigFormat): OidcIssuerConfig {
  const obj = asObject(raw, key);
  const str = (keys: readonly [string, string]) => scalar(member(obj, keys, format), `${key}: ${keys[0]}`, format);
  const type = str(ISSUER_KEYS.type);
  if (!(ISSUER_TYPES as readonly string[]).includes(type)) invalid(`${key}: unsupported issuer type "${type}"`);
  const skip = member(obj, ISSUER_KEYS.skipEmailVerification, format) ?? false;
  if (typeof skip !== 'boolean') invalid(`${key}: SkipEmailVerification must be a boolean`);
  // Deviation: an empty ClientID fails every token upstream (go-oidc); the default audience is used instead.
  return issuerEntry({
    issuerUrl: str(ISSUER_KEYS.issuerUrl), clientId: str(ISSUER_KEYS.clientId) || DEFAULT_CLIENT_ID,
    type: type as IssuerType, ciProvider: str(ISSUER_KEYS.ciProvider), issuerClaim: str(ISSUER_KEYS.issuerClaim),
    subjectDomain: str(ISSUER_KEYS.subjectDomain), spiffeTrustDomain: str(ISSUER_KEYS.spiffeTrustDomain),
    challengeClaim: str(ISSUER_KEYS.challengeClaim), description: str(ISSUER_KEYS.description),
    contact: str(ISSUER_KEYS.contact), environment: str(ISSUER_KEYS.environment), caCert: str(ISSUER_KEYS.caCert),
    skipEmailVerification: skip as boolean,
  });
}

function decodeMetadata(raw: unknown, name: string, format: ConfigFormat): IssuerMetadata {
  const obj = asObject(raw, name);
  const defaults = asObject(member(obj, METADATA_KEYS.defaultTemplateValues, format) ?? {}, `${name}: DefaultTemplateValues`);
  const templates = asObject(member(obj, METADATA_KEYS.extensionTemplates, format) ?? {}, `${name}: ExtensionTemplates`);
  const extensionTemplates: Partial<Record<ExtensionField, string>> = {};
  for (const [field, keys] of Object.entries(EXTENSION_KEYS)) {
    const value = scalar(member(templates, keys, format), `${name}: ${field}`, format);
    if (value !== '') extensionTemplates[field as ExtensionField] = value;
  }
  return {
    defaultTemplateValues: Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, scalar(v, `${name}: ${k}`, format)])),
    extensionTemplates,
    subjectAlternativeNameTemplate: scalar(member(obj, METADATA_KEYS.subjectAlternativeNameTemplate, format), name, format),
  };
}

// A Go `string` field: JSON needs a string; yaml.v3 also decodes numbers and booleans into strings.
function scalar(value: unknown, where: string, format: ConfigFormat): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (format === 'yaml' && (typeof value === 'number' || typeof value === 'boolean')) return String(value);
  return invalid(`${where}: expected a string`);
}

function asObject(value: unknown, where: string): Obj {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) invalid(`${where}: expected a mapping`);
  return value as Obj;
}

function invalid(message: string): never {
  throw new OidcConfigError('INVALID_CONFIG', message);
}
