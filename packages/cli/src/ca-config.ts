import path from 'node:path';
import { CA_KEY_ALGORITHMS, type CaKeyAlgorithm, type CaKeyOptions, type CaName, type CsrKeyOptions } from '@sigbox/ca';
import { ConfigError } from './error.js';
import { noPositionals, parseCommandFlags } from './flags.js';

/** Names the ceremony uses unless told otherwise; upstream's pair is O=sigstore.dev, CN=sigstore(-intermediate). */
export const DEFAULT_CA_ORGANIZATION = 'sigbox';
export const DEFAULT_CA_COMMON_NAME = 'sigbox';
export const DEFAULT_CSR_COMMON_NAME = 'sigbox-intermediate';
export const DEFAULT_HSM_ROOT_KEY = 'sigbox-root';
export const DEFAULT_HSM_INTERMEDIATE_KEY = 'sigbox-intermediate';

/** One `sigbox ca …` invocation, validated; secrets come from the environment, never from flags. */
export type CaCommand =
  | { readonly action: 'init'; readonly out: string; readonly subject: CaName; readonly algorithm: CaKeyAlgorithm; readonly keys: CaKeyOptions }
  | { readonly action: 'csr'; readonly out: string; readonly subject: CaName; readonly algorithm: CaKeyAlgorithm; readonly keys: CsrKeyOptions }
  | { readonly action: 'import'; readonly out: string; readonly cert: string; readonly root: string };

type Env = Readonly<Record<string, string | undefined>>;

const str = { type: 'string' } as const;
const COMMON = { out: str, help: { type: 'boolean', short: 'h' } } as const;
const KEYED = { ...COMMON, org: str, cn: str, algorithm: str, 'hsm-module': str, 'hsm-token': str, 'hsm-intermediate-key': str } as const;
const OPTIONS = {
  init: { ...KEYED, 'hsm-root-key': str },
  csr: KEYED,
  import: { ...COMMON, cert: str, root: str },
} as const;
type Action = keyof typeof OPTIONS;
type Flags = Partial<Record<string, string | boolean>>;

function parseFlags(action: Action, argv: readonly string[]): Flags {
  const { values, positionals } = parseCommandFlags(`ca ${action}`, argv, OPTIONS[action]);
  noPositionals(positionals);
  return values as Flags;
}

function required(flags: Flags, name: string, action: Action, cwd: string): string {
  const value = flags[name];
  if (typeof value !== 'string' || value === '') throw new ConfigError('INVALID_VALUE', `'ca ${action}' needs --${name}`);
  return path.resolve(cwd, value);
}

function text(flags: Flags, name: string, fallback: string): string {
  const value = flags[name];
  if (value === '') throw new ConfigError('INVALID_VALUE', `--${name} must not be empty`);
  return typeof value === 'string' ? value : fallback;
}

function algorithm(flags: Flags): CaKeyAlgorithm {
  const value = text(flags, 'algorithm', 'ecdsa-p384');
  if (!(CA_KEY_ALGORITHMS as readonly string[]).includes(value)) throw new ConfigError('INVALID_VALUE', `--algorithm must be one of ${CA_KEY_ALGORITHMS.join(', ')}, got '${value}'`);
  return value as CaKeyAlgorithm;
}

/** File keys (passphrase from SIGBOX_CA_PASSPHRASE) or, with --hsm-module, token keys (PIN from SIGBOX_HSM_PIN). */
function keys(flags: Flags, env: Env, cwd: string, action: Action) {
  const module = flags['hsm-module'];
  if (module === undefined) {
    if (flags['hsm-token'] !== undefined) throw new ConfigError('INVALID_VALUE', '--hsm-token needs --hsm-module');
    const passphrase = env.SIGBOX_CA_PASSPHRASE;
    if (passphrase === '') throw new ConfigError('INVALID_VALUE', 'SIGBOX_CA_PASSPHRASE must not be empty (unset it for an unencrypted key)');
    return { kind: 'file' as const, ...(passphrase === undefined ? {} : { passphrase }) };
  }
  const pin = env.SIGBOX_HSM_PIN;
  if (pin === undefined || pin === '') throw new ConfigError('INVALID_VALUE', '--hsm-module needs the token PIN in env SIGBOX_HSM_PIN');
  return {
    kind: 'hsm' as const,
    module: required(flags, 'hsm-module', action, cwd),
    tokenLabel: text(flags, 'hsm-token', ''),
    pin,
    rootKeyLabel: text(flags, 'hsm-root-key', DEFAULT_HSM_ROOT_KEY),
    intermediateKeyLabel: text(flags, 'hsm-intermediate-key', DEFAULT_HSM_INTERMEDIATE_KEY),
  };
}

/**
 * `sigbox ca init|csr|import [flags]` → a frozen {@link CaCommand}, or help. Reads env SIGBOX_CA_PASSPHRASE
 * and SIGBOX_HSM_PIN only; throws ConfigError (exit 2) for anything it cannot run.
 */
export function loadCaConfig(argv: readonly string[], env: Env, cwd: string): { command: 'ca'; ca: CaCommand } | { command: 'help' } {
  const [action, ...rest] = argv;
  if (action === '--help' || action === '-h') return { command: 'help' };
  if (action === undefined || action.startsWith('-')) throw new ConfigError('MISSING_COMMAND', "missing 'ca' command: init, csr or import");
  if (!Object.hasOwn(OPTIONS, action)) throw new ConfigError('UNKNOWN_COMMAND', `unknown command 'ca ${action}'`);
  const flags = parseFlags(action as Action, rest);
  if (flags.help === true) return { command: 'help' };
  const out = required(flags, 'out', action as Action, cwd);
  if (action === 'import') {
    return Object.freeze({ command: 'ca', ca: Object.freeze({ action, out, cert: required(flags, 'cert', action, cwd), root: required(flags, 'root', action, cwd) }) });
  }
  const keyOptions = keys(flags, env, cwd, action as Action);
  if (keyOptions.kind === 'hsm' && keyOptions.tokenLabel === '') throw new ConfigError('INVALID_VALUE', '--hsm-module needs --hsm-token LABEL');
  const common = { out, algorithm: algorithm(flags) };
  const organization = text(flags, 'org', DEFAULT_CA_ORGANIZATION);
  const ca: CaCommand = action === 'init'
    ? { action, ...common, subject: { organization, commonName: text(flags, 'cn', DEFAULT_CA_COMMON_NAME) }, keys: keyOptions }
    : { action: 'csr', ...common, subject: { organization, commonName: text(flags, 'cn', DEFAULT_CSR_COMMON_NAME) }, keys: keyOptions };
  return Object.freeze({ command: 'ca', ca: Object.freeze(ca) });
}

export const CA_USAGE = `CA key ceremony (secrets from env: SIGBOX_CA_PASSPHRASE encrypts key files, SIGBOX_HSM_PIN logs in):
  sigbox ca init --out DIR [--org O] [--cn CN] [--algorithm ecdsa-p256|ecdsa-p384|rsa]
                 [--hsm-module PATH --hsm-token LABEL [--hsm-root-key L] [--hsm-intermediate-key L]]
                         a root (10 y) and an issuing intermediate (5 y) in DIR; use with --ca-dir DIR
  sigbox ca csr --out DIR [--org O] [--cn CN] [--algorithm A] [--hsm-module PATH --hsm-token LABEL]
                         an intermediate key and its CSR (stdout and DIR/intermediate.csr.pem) for an external root
  sigbox ca import --out DIR --cert FILE --root FILE
                         finish the CSR flow with the issued certificate and the root; writes DIR/chain.pem
`;
