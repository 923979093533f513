import path from 'node:path';
import { CA_KEY_ALGORITHMS, type CaKeyAlgorithm } from '@sigbox/ca';
import { DEFAULT_CA_COMMON_NAME, DEFAULT_CA_ORGANIZATION } from './ca-config.js';
import type { InitKeyringOptions } from '@sigbox/server';
import { ConfigError } from './error.js';
import { noPositionals, parseCommandFlags } from './flags.js';
import { SECRET_FLAGS, keySecrets } from './secrets.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The most TUF root keys one ceremony makes: more is a committee no one convenes. */
export const MAX_TUF_ROOT_KEYS = 9;

export interface InitCommand extends InitKeyringOptions {
  /** How many root keys must sign a root (TUF threshold). */
  readonly tufRootThreshold: number;
}

const str = { type: 'string' } as const;
const OPTIONS = {
  keys: str,
  'hsm-module': str,
  'hsm-token': str,
  org: str,
  cn: str,
  'ca-algorithm': str,
  'ca-dir': str,
  'adopt-log-key': str,
  'adopt-ct-key': str,
  'tuf-root-keys': str,
  'tuf-root-threshold': str,
  ...SECRET_FLAGS,
  help: { type: 'boolean', short: 'h' },
} as const;

function parseFlags(argv: readonly string[]) {
  const { values, positionals } = parseCommandFlags('init', argv, OPTIONS);
  noPositionals(positionals);
  return values;
}

function count(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = /^\d$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= max)) throw new ConfigError('INVALID_VALUE', `--${name} must be an integer from 1 to ${max}, got '${value}'`);
  return n;
}

/** `sigbox init [flags]` → the ceremony's options, or help. Secrets from env or files, never from argv. */
export function loadInitConfig(argv: readonly string[], env: Env, cwd: string): { command: 'init'; init: InitCommand } | { command: 'help' } {
  const flags = parseFlags(argv);
  if (flags.help === true) return { command: 'help' };
  if (flags.keys === undefined || flags.keys === '') throw new ConfigError('INVALID_VALUE', "'init' needs --keys DIR");
  const module = flags['hsm-module'];
  if ((module === undefined) !== (flags['hsm-token'] === undefined)) throw new ConfigError('INVALID_VALUE', '--hsm-module and --hsm-token go together');
  const algorithm = flags['ca-algorithm'] ?? 'ecdsa-p384';
  if (!(CA_KEY_ALGORITHMS as readonly string[]).includes(algorithm)) throw new ConfigError('INVALID_VALUE', `--ca-algorithm must be one of ${CA_KEY_ALGORITHMS.join(', ')}, got '${algorithm}'`);
  const tufRootKeys = count('tuf-root-keys', flags['tuf-root-keys'], 1, MAX_TUF_ROOT_KEYS);
  const tufRootThreshold = count('tuf-root-threshold', flags['tuf-root-threshold'], 1, MAX_TUF_ROOT_KEYS);
  if (tufRootThreshold > tufRootKeys) throw new ConfigError('INVALID_VALUE', `--tuf-root-threshold ${tufRootThreshold} is more than the ${tufRootKeys} root keys`);
  const init: InitCommand = {
    dir: path.resolve(cwd, flags.keys),
    custody: module === undefined ? { kind: 'file' } : { kind: 'hsm', module: path.resolve(cwd, module), tokenLabel: flags['hsm-token'] as string },
    secrets: keySecrets(flags, env, cwd),
    ca:
      flags['ca-dir'] === undefined
        ? { subject: { organization: flags.org ?? DEFAULT_CA_ORGANIZATION, commonName: flags.cn ?? DEFAULT_CA_COMMON_NAME }, algorithm: algorithm as CaKeyAlgorithm }
        : { adopt: path.resolve(cwd, flags['ca-dir']) },
    tufRootKeys,
    tufRootThreshold,
    adopt: {
      rekor: flags['adopt-log-key'] === undefined ? undefined : path.resolve(cwd, flags['adopt-log-key']),
      ct: flags['adopt-ct-key'] === undefined ? undefined : path.resolve(cwd, flags['adopt-ct-key']),
    },
  };
  return { command: 'init', init: Object.freeze(init) };
}

export const INIT_USAGE = `Key ceremony (secrets: SIGBOX_KEY_PASSPHRASE or --passphrase-file encrypts key files; SIGBOX_HSM_PIN or --pin-file logs in):
  sigbox init --keys DIR [--hsm-module PATH --hsm-token LABEL] [--org O] [--cn CN]
              [--ca-algorithm ecdsa-p256|ecdsa-p384|rsa] [--ca-dir DIR]
              [--tuf-root-keys N] [--tuf-root-threshold M] [--adopt-log-key FILE] [--adopt-ct-key FILE]
                         every key of a new box in DIR (mode 0700): a CA (root 10 y, intermediate 5 y;
                         or --ca-dir: a CA folder made by "sigbox ca"), the Rekor and CT log keys, and the
                         TUF root (N keys, M to sign; default 1 of 1), targets, snapshot and timestamp keys;
                         encrypted files, or generated in the token. Prints what to back up.
                         Upgrading a box made before the keyring: --ca-dir its CA, --adopt-log-key its
                         --log-key file, --adopt-ct-key DATA/keys/ct-log.pem, so its logs keep their keys.
`;
