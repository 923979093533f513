import path from 'node:path';
import { EXPORT_TARGETS, type ExportTarget } from '@sigbox/policy-export';
import { ConfigError } from './error.js';
import { parseCommandFlags } from './flags.js';

/** `sigbox export`, validated: what to export, from which policy and trust material, to where. */
export interface ExportCommand {
  readonly target: ExportTarget;
  readonly policyFile: string;
  /** Trust material from a running box (its public URL) or from a trusted_root.json file. */
  readonly trust: { readonly url: string } | { readonly trustedRootFile: string };
  /** undefined = print the YAML to stdout. */
  readonly outDir: string | undefined;
  readonly allowDropped: boolean;
  readonly trustRoot: 'sigstore-keys' | 'remote' | undefined;
  readonly signatureFormat: 'legacy' | 'bundle' | 'any' | undefined;
  readonly name: string | undefined;
}

const str = { type: 'string' } as const;
const OPTIONS = {
  policy: str,
  url: str,
  'trusted-root': str,
  out: str,
  'allow-dropped': { type: 'boolean' },
  'trust-root': str,
  'signature-format': str,
  name: str,
  help: { type: 'boolean', short: 'h' },
} as const;

function oneOf<const T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError('INVALID_VALUE', `--${flag} must be ${allowed.join(' or ')}, got '${value}'`);
}

function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value === '') throw new ConfigError('INVALID_VALUE', `--${flag} must not be empty`);
  return value;
}

/** The box's URL as `--public-url` spells it: http(s), no query or fragment, no trailing slash. */
function boxUrl(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || !['http:', 'https:'].includes(url.protocol) || url.search !== '' || url.hash !== '') {
    throw new ConfigError('INVALID_VALUE', `--url must be the box's http(s) URL without query or fragment, got '${value}'`);
  }
  return url.href.replace(/\/+$/u, '');
}

/**
 * `sigbox export <target> --policy FILE (--url URL | --trusted-root FILE) [--out DIR] [--allow-dropped]
 * [--trust-root sigstore-keys|remote] [--signature-format legacy|bundle|any] [--name NAME]` → a frozen
 * {@link ExportCommand}, or help. Throws ConfigError (exit 2).
 */
export function loadExportConfig(argv: readonly string[], cwd: string): { command: 'export'; export: ExportCommand } | { command: 'help' } {
  const { values, positionals } = parseCommandFlags('export', argv, OPTIONS);
  if (values.help === true) return { command: 'help' };
  const [target, ...rest] = positionals;
  if (target === undefined) throw new ConfigError('MISSING_COMMAND', `'export' needs a target: ${EXPORT_TARGETS.join(', ')}`);
  if (!(EXPORT_TARGETS as readonly string[]).includes(target)) throw new ConfigError('UNKNOWN_COMMAND', `unknown export target '${target}' (known: ${EXPORT_TARGETS.join(', ')})`);
  if (rest.length > 0) throw new ConfigError('UNKNOWN_COMMAND', `unexpected argument '${rest[0]}'`);
  const policy = nonEmpty('policy', values.policy);
  if (policy === undefined) throw new ConfigError('INVALID_VALUE', "'export' needs --policy FILE (the accepted-identities policy)");
  const url = nonEmpty('url', values.url);
  const trustedRoot = nonEmpty('trusted-root', values['trusted-root']);
  if ((url === undefined) === (trustedRoot === undefined)) {
    throw new ConfigError('INVALID_VALUE', "'export' needs the trust material: --url URL of the running box or --trusted-root FILE (one of them)");
  }
  const trustRoot = oneOf('trust-root', values['trust-root'], ['sigstore-keys', 'remote'] as const);
  if (trustRoot === 'remote' && url === undefined) throw new ConfigError('INVALID_VALUE', '--trust-root remote needs --url (the box serves the TUF mirror and its root)');
  const out = nonEmpty('out', values.out);
  if (target === 'cosign' && out === undefined) throw new ConfigError('INVALID_VALUE', "'export cosign' writes verify.sh beside trusted_root.json: give --out DIR");
  const command: ExportCommand = {
    target: target as ExportTarget,
    policyFile: path.resolve(cwd, policy),
    trust: url !== undefined ? { url: boxUrl(url) } : { trustedRootFile: path.resolve(cwd, trustedRoot!) },
    outDir: out === undefined ? undefined : path.resolve(cwd, out),
    allowDropped: values['allow-dropped'] === true,
    trustRoot,
    signatureFormat: oneOf('signature-format', values['signature-format'], ['legacy', 'bundle', 'any'] as const),
    name: nonEmpty('name', values.name),
  };
  return Object.freeze({ command: 'export', export: Object.freeze(command) });
}

export const EXPORT_USAGE = `Exporting the accepted-identities policy: sigbox export <target> --policy FILE [flags]
  targets: kyverno (ClusterPolicy verifyImages), kyverno-ivp (ImageValidatingPolicy), policy-controller
  (TrustRoot + ClusterImagePolicy), flux (Secret + OCIRepository verify), cosign (verify.sh + trusted_root.json).
  Prints the YAML on stdout, or writes the files into --out; what a target cannot check is refused (exit 1)
  unless --allow-dropped, and then listed on stderr as "dropped:"; "warning:" lines say where it is narrower
  --policy FILE          the accepted-identities policy (policy.sigbox.dev/v1alpha1)
  --url URL              the running box: its trusted_root.json and TUF mirror (URL/tuf) are fetched
  --trusted-root FILE    or the trust material from a file (the Rekor URL is its v1 log's baseUrl)
  --out DIR              write the files into DIR (created) instead of printing; required for cosign
  --allow-dropped        export even when expectations must be dropped (the export then admits more)
  --trust-root sigstore-keys|remote
                         policy-controller's TrustRoot: the keys inline (default) or the box's TUF mirror
  --signature-format legacy|bundle|any
                         which image signatures count: cosign's .sig tags, cosign v3 bundles, or either
                         (kyverno takes one, default legacy; policy-controller default any)
  --name NAME            metadata.name prefix of the objects (default sigbox)
`;
