import path from 'node:path';
import type { KeySecrets } from '@sigbox/keyring';
import type { RotatableRole } from '@sigbox/server';
import { ConfigError } from './error.js';
import { parseCommandFlags } from './flags.js';
import { SECRET_FLAGS, keySecrets } from './secrets.js';

type Env = Readonly<Record<string, string | undefined>>;

/** `sigbox rotate log` names the Rekor log as upstream's docs do; `rekor` is accepted too. */
const ROLES: Readonly<Record<string, RotatableRole>> = { ca: 'ca', log: 'rekor', rekor: 'rekor', ct: 'ct', tsa: 'tsa' };

export interface RotateCommand {
  readonly role: RotatableRole;
  readonly keysDir: string;
  readonly secrets: KeySecrets;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
}

const OPTIONS = {
  keys: { type: 'string' },
  data: { type: 'string' },
  'database-url': { type: 'string' },
  ...SECRET_FLAGS,
  help: { type: 'boolean', short: 'h' },
} as const;

/** `sigbox rotate ca|log|ct|tsa --keys DIR [--database-url URL | --data DIR]` → the rotation to run, or help. */
export function loadRotateConfig(argv: readonly string[], env: Env, cwd: string, defaultDataDir: string): { command: 'rotate'; rotate: RotateCommand } | { command: 'help' } {
  const { values: flags, positionals } = parseCommandFlags('rotate', argv, OPTIONS);
  if (flags.help === true) return { command: 'help' };
  const [what, ...rest] = positionals;
  const role = what === undefined ? undefined : ROLES[what];
  if (role === undefined) throw new ConfigError('MISSING_COMMAND', `'rotate' needs what to rotate: ca, log, ct or tsa${what === undefined ? '' : `, not '${what}'`}`);
  if (rest.length > 0) throw new ConfigError('UNKNOWN_COMMAND', `unexpected argument '${rest[0]}'`);
  if (flags.keys === undefined || flags.keys === '') throw new ConfigError('INVALID_VALUE', "'rotate' needs --keys DIR (the keyring of `sigbox init`)");
  const databaseUrl = flags['database-url'] ?? env.DATABASE_URL;
  return {
    command: 'rotate',
    rotate: Object.freeze({
      role,
      keysDir: path.resolve(cwd, flags.keys),
      secrets: keySecrets(flags, env, cwd),
      dataDir: path.resolve(cwd, flags.data ?? defaultDataDir),
      databaseUrl: databaseUrl === '' ? undefined : databaseUrl,
    }),
  };
}

export const ROTATE_USAGE = `Key rotation (the same secrets as init; the same database as the running box):
  sigbox rotate ca|log|ct|tsa --keys DIR [--database-url URL | --data DIR]
                         makes the next key (a log: a new shard; the CA: a new root and intermediate; the
                         TSA: a new leaf key with a new chain) in
                         the keyring's custody and records it; running boxes switch to it within seconds,
                         keep the old key in trusted_root.json with its end, and publish the new TUF targets.
                         On the embedded PGlite, stop the box first.
`;
