import path from 'node:path';
import { ConfigError } from './error.js';
import { parseCommandFlags } from './flags.js';
import { parsePublicUrl } from './values.js';

/** Where `policy explain` takes the instance's trust from: a running box, or a trusted_root.json file. */
export type TrustSource = { readonly kind: 'url'; readonly url: string } | { readonly kind: 'file'; readonly file: string };

/** `sigbox policy …`, validated. */
export type PolicyCommand =
  | { readonly action: 'lint'; readonly file: string }
  | { readonly action: 'schema' }
  | {
      readonly action: 'explain';
      readonly policyFile: string;
      /** A bundle file when one exists at this path, else an image reference. */
      readonly target: string;
      readonly targetIsFile: boolean;
      /** The artifact a message-signature bundle signs (and whose name a rule's `scope.artifacts` matches). */
      readonly artifactFile: string | undefined;
      readonly trust: TrustSource;
      readonly json: boolean;
      /** The docker config holding registry credentials (DOCKER_CONFIG/config.json, else ~/.docker/config.json). */
      readonly dockerConfigFile: string;
    };

type Env = Readonly<Record<string, string | undefined>>;

const str = { type: 'string' } as const;
const HELP = { help: { type: 'boolean', short: 'h' } } as const;
const LINT = { schema: { type: 'boolean' }, ...HELP } as const;
const EXPLAIN = { policy: str, url: str, 'trusted-root': str, artifact: str, data: str, json: { type: 'boolean' }, ...HELP } as const;

function nonEmpty(name: string, value: string | undefined): string | undefined {
  if (value === '') throw new ConfigError('INVALID_VALUE', `--${name} must not be empty`);
  return value;
}

function trustSource(values: { url?: string | undefined; 'trusted-root'?: string | undefined; data?: string | undefined }, cwd: string, defaultDataDir: string): TrustSource {
  const url = nonEmpty('url', values.url);
  const file = nonEmpty('trusted-root', values['trusted-root']);
  if (url !== undefined && file !== undefined) throw new ConfigError('INVALID_VALUE', '--url and --trusted-root are alternatives: give one');
  if (url !== undefined) return { kind: 'url', url: parsePublicUrl(url) as string };
  // As `sigbox verify`: the trusted root `sigbox up` wrote into its data folder.
  return { kind: 'file', file: path.resolve(cwd, file ?? path.join(nonEmpty('data', values.data) ?? defaultDataDir, 'trusted_root.json')) };
}

function dockerConfigFile(env: Env): string {
  // docker/cli config.Dir(): $DOCKER_CONFIG, else ~/.docker.
  const dir = env.DOCKER_CONFIG || path.join(env.HOME ?? '', '.docker');
  return path.join(dir, 'config.json');
}

/**
 * `sigbox policy lint FILE | lint --schema | explain --policy FILE TARGET [--url URL | --trusted-root FILE]
 * [--artifact FILE] [--json]` → a frozen {@link PolicyCommand}, or help. `exists` says whether TARGET names a file
 * (a bundle) rather than an image reference; injected so that this stays free of I/O.
 */
export function loadPolicyConfig(
  argv: readonly string[],
  env: Env,
  cwd: string,
  defaultDataDir: string,
  exists: (file: string) => boolean,
): { command: 'policy'; policy: PolicyCommand } | { command: 'help' } {
  const [action, ...rest] = argv;
  const done = (policy: PolicyCommand) => Object.freeze({ command: 'policy' as const, policy: Object.freeze(policy) });
  if (action === undefined || action === '--help' || action === '-h') return { command: 'help' };
  if (action === 'lint') {
    const { values, positionals } = parseCommandFlags('policy lint', rest, LINT);
    if (values.help === true) return { command: 'help' };
    if (values.schema === true) {
      if (positionals.length > 0) throw new ConfigError('UNKNOWN_COMMAND', `unexpected argument '${positionals[0]}' with --schema`);
      return done({ action: 'schema' });
    }
    if (positionals.length !== 1) throw new ConfigError('MISSING_COMMAND', "'policy lint' takes one FILE (or --schema)");
    return done({ action: 'lint', file: path.resolve(cwd, positionals[0] as string) });
  }
  if (action === 'explain') {
    const { values, positionals } = parseCommandFlags('policy explain', rest, EXPLAIN);
    if (values.help === true) return { command: 'help' };
    const policyFile = nonEmpty('policy', values.policy);
    if (policyFile === undefined) throw new ConfigError('INVALID_VALUE', "'policy explain' needs --policy FILE");
    if (positionals.length !== 1 || positionals[0] === '') throw new ConfigError('MISSING_COMMAND', "'policy explain' takes one bundle file or image reference");
    const target = positionals[0] as string;
    const targetIsFile = exists(path.resolve(cwd, target));
    const artifact = nonEmpty('artifact', values.artifact);
    if (artifact !== undefined && !targetIsFile) throw new ConfigError('INVALID_VALUE', '--artifact goes with a bundle file, not an image');
    return done({
      action: 'explain',
      policyFile: path.resolve(cwd, policyFile),
      target: targetIsFile ? path.resolve(cwd, target) : target,
      targetIsFile,
      artifactFile: artifact === undefined ? undefined : path.resolve(cwd, artifact),
      trust: trustSource(values, cwd, defaultDataDir),
      json: values.json === true,
      dockerConfigFile: dockerConfigFile(env),
    });
  }
  throw new ConfigError('UNKNOWN_COMMAND', `unknown policy command '${action}' (lint or explain)`);
}

export const POLICY_USAGE = `The accepted-identities policy: sigbox policy lint|explain
  policy lint FILE       check a policy file: one "FILE:line:col: CODE message" line per problem (exit 1),
                         or "ok: N rules" (exit 0)
  policy lint --schema   print the policy's JSON Schema (for editors: yaml-language-server)
  policy explain --policy FILE BUNDLE|IMAGE
                         verify a Sigstore bundle file, or every signature of an image in its registry
                         (cosign .sig/.att tags and OCI referrers), against this instance's trust, then say
                         which rule accepts it or, per rule, why none does; exit 0 accepted, 1 not, 2 error
    --url URL            take the trusted root from a running box (URL/sigbox/v1/trusted_root.json)
    --trusted-root FILE  take it from a file (default DIR/trusted_root.json, as "sigbox up" writes it)
    --data DIR           the data folder for that default (default ./.sigbox)
    --artifact FILE      the file a bundle signs (needed for message signatures; its name is matched
                         against scope.artifacts)
    --json               the verdicts as JSON on stdout
  Registry credentials come from the docker config (DOCKER_CONFIG, else ~/.docker/config.json; credential
  helpers are not run); registries on localhost/127.0.0.1 are reached over plain HTTP, others over HTTPS.
`;
